/// What a digest says about the brief of a meeting it announces (a `meeting_upcoming` alert).
///
/// The mailer writes the brief (`Brief`) and attaches it when its marking is within both the mail ceiling
/// (`PARLEY_MAIL_MAX_CLASSIFICATION`) and the recipient's clearance; otherwise the digest names the command that
/// writes it, for the recipient to run with their own login.
public struct DigestBrief: Sendable, Equatable {
    public enum Delivery: Sendable, Equatable {
        /// The brief travels with the digest, marked `classification`.
        case attached(MailAttachment, classification: DigestEntry.Classification)
        /// Not mailed: it holds material above what may be e-mailed to this recipient.
        case withheld
    }

    public var meetingCode: String
    public var delivery: Delivery

    public init(meetingCode: String, delivery: Delivery) {
        self.meetingCode = meetingCode
        self.delivery = delivery
    }

    /// The command that writes the brief of `meetingCode` with the reader's own login.
    public static func command(_ meetingCode: String) -> String {
        "parley brief " + shellWord(meetingCode)
    }

    /// A meeting code as a shell word: codes are letters, digits, `.`, `_` and `-`, which need no quoting; anything
    /// else is single-quoted.
    static func shellWord(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        return plain && !text.isEmpty && !text.hasPrefix("-") ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// What the digest says about it, in words (the text part and the HTML part say the same).
    func sentence(for code: String) -> String {
        switch delivery {
        case let .attached(attachment, classification):
            return "attached: \(attachment.filename), marked \(classification.rawValue.uppercased())"
        case .withheld:
            return "not attached, as it holds material above what may be e-mailed to you; write it with "
                + Self.command(code)
        }
    }

    /// For a meeting whose brief was not written for this digest (a preview, or writing it failed).
    static func unwritten(_ code: String) -> String {
        Self.command(code) + " writes it (--pdf FILE for a PDF)"
    }
}
