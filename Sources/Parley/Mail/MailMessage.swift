import Foundation
import PQ

/// One e-mail as RFC 5322 and MIME want it: UTF-8 text, quoted-printable, every header folded and encoded by
/// `HeaderEncoding`.
///
/// With only `body` it is one `text/plain` part. With `htmlBody` as well it is `multipart/alternative` (the text
/// first, complete on its own; then the HTML, which a mail program shows instead). With attachments the whole is
/// `multipart/mixed`: the text (or the alternative) first, then each attachment in base64. Boundaries start with
/// `=_`, which neither quoted-printable nor base64 can produce, so no content can end a part.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    /// The `Date` header: when the message was written (the database clock).
    public var date: Date
    /// With angle brackets, e.g. `<parley.3f2a…@mfa.example>`.
    public var messageID: String
    /// The text, lines separated by `\n`. Other line breaks (`\r\n`, `\r`) are normalised when rendering.
    public var body: String
    /// The same content as an HTML document, or nil for a plain-text message.
    public var htmlBody: String?
    /// Files that travel with the message (a meeting's brief).
    public var attachments: [MailAttachment]
    /// Extra fields after the standard ones, e.g. `("X-Parley-Deliveries", "12 13")`; names are the program's,
    /// values are sanitised like any other.
    public var extraFields: [(name: String, value: String)]

    public init(
        from: MailAddress, to: [MailAddress], subject: String, date: Date, messageID: String, body: String,
        htmlBody: String? = nil, attachments: [MailAttachment] = [], extraFields: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.body = body
        self.htmlBody = htmlBody
        self.attachments = attachments
        self.extraFields = extraFields
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    /// How lines end in the rendered message.
    public enum LineEnding: String, Sendable {
        /// `\r\n`: the canonical form of RFC 5322, for `.eml` files and the network.
        case crlf = "\r\n"
        /// `\n`: the local convention that `sendmail` expects on its standard input.
        case lf = "\n"
    }

    /// The header fields in order, each as its folded lines.
    public var headerFields: [[String]] {
        var fields: [[String]] = [
            HeaderEncoding.addressField(name: "From", mailboxes: [from]),
            HeaderEncoding.addressField(name: "To", mailboxes: to),
            HeaderEncoding.unstructuredField(name: "Subject", value: subject),
            HeaderEncoding.fixedField(name: "Date", value: Self.rfc5322Date(date)),
            HeaderEncoding.fixedField(name: "Message-ID", value: messageID),
            HeaderEncoding.fixedField(name: "MIME-Version", value: "1.0"),
            HeaderEncoding.fixedField(name: "Content-Type", value: topContentType),
            // A multipart entity itself is 7bit: its parts say how each of them is encoded.
            HeaderEncoding.fixedField(
                name: "Content-Transfer-Encoding", value: isMultipart ? "7bit" : "quoted-printable"),
            // RFC 3834: machines must not answer it (vacation replies, bounces of bounces).
            HeaderEncoding.fixedField(name: "Auto-Submitted", value: "auto-generated"),
            // Exchange's equivalent, for the out-of-office replies RFC 3834 does not stop there.
            HeaderEncoding.fixedField(name: "X-Auto-Response-Suppress", value: "All"),
        ]
        for field in extraFields {
            fields.append(HeaderEncoding.unstructuredField(name: field.name, value: field.value))
        }
        return fields
    }

    /// The whole message as bytes: header, empty line, the quoted-printable body or the MIME parts.
    public func rendered(lineEnding: LineEnding = .crlf) -> Data {
        let eol = lineEnding.rawValue
        var text = headerFields.map { $0.joined(separator: eol) + eol }.joined()
        text += eol
        if !attachments.isEmpty {
            text += multipart(
                boundary: Self.mixedBoundary, parts: [alternativeOrText(eol)] + attachments.map { $0.part(eol) }, eol)
        } else if htmlBody != nil {
            text += alternativeParts(eol)
        } else {
            text += Self.quotedPrintable(body, eol)
        }
        return Data(text.utf8)
    }

    static let mixedBoundary = "=_parley_mixed_7f3a"
    static let alternativeBoundary = "=_parley_alternative_7f3a"

    private var isMultipart: Bool { htmlBody != nil || !attachments.isEmpty }

    private var topContentType: String {
        if !attachments.isEmpty { return "multipart/mixed; boundary=\"\(Self.mixedBoundary)\"" }
        if htmlBody != nil { return "multipart/alternative; boundary=\"\(Self.alternativeBoundary)\"" }
        return "text/plain; charset=utf-8"
    }

    /// The first part of a mixed message: the alternative of text and HTML, or the text alone.
    private func alternativeOrText(_ eol: String) -> String {
        if htmlBody != nil {
            return "Content-Type: multipart/alternative; boundary=\"\(Self.alternativeBoundary)\"" + eol + eol
                + alternativeParts(eol)
        }
        return Self.textPart("text/plain; charset=utf-8", body, eol)
    }

    private func alternativeParts(_ eol: String) -> String {
        multipart(boundary: Self.alternativeBoundary, parts: [
            Self.textPart("text/plain; charset=utf-8", body, eol),
            Self.textPart("text/html; charset=utf-8", htmlBody ?? "", eol),
        ], eol)
    }

    /// Parts (each with its own header lines, an empty line and its content) between boundary lines.
    private func multipart(boundary: String, parts: [String], _ eol: String) -> String {
        var text = "This is a MIME message; your mail program shows one of its parts." + eol
        for part in parts {
            text += eol + "--" + boundary + eol + part
        }
        return text + eol + "--" + boundary + "--" + eol
    }

    /// A text part: its type, quoted-printable. The text keeps its last line break: the one before the next
    /// boundary line belongs to the boundary (RFC 2046 §5.1.1).
    private static func textPart(_ contentType: String, _ content: String, _ eol: String) -> String {
        let encoded = quotedPrintable(content, eol)
        return "Content-Type: " + contentType + eol + "Content-Transfer-Encoding: quoted-printable" + eol + eol + encoded
    }

    private static func quotedPrintable(_ content: String, _ eol: String) -> String {
        // Most bodies have no carriage return: then nothing to normalise (Foundation's replacing is slow).
        let normalised = !content.utf8.contains(UInt8(ascii: "\r")) ? content
            : content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return QuotedPrintable.encode(normalised.hasSuffix("\n") ? normalised : normalised + "\n", lineEnding: eol)
    }

    /// `Tue, 27 May 2025 09:30:00 +0000`: RFC 5322 §3.3, always in UTC, English names whatever the locale.
    ///
    /// Worked out from the seconds since 1970 (the proleptic Gregorian calendar, as Foundation's): a run writes a
    /// date per message, and Foundation's calendar and `String(format:)` were a few per cent of the mailer's CPU.
    public static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let civil = CalendarDate(daysSince1970: days)
        let (year, month, day) = (civil.year, civil.month, civil.day)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 7 + 4) % 7)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var yearText = String(year)
        while yearText.count < 4 { yearText = "0" + yearText }
        return "\(weekdays[weekday]), \(day) \(months[Int(month) - 1]) \(yearText) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }
}
