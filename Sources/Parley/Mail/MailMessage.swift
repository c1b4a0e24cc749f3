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
    public var htmlBody: String? {
        get { htmlUTF8.map { String(decoding: $0, as: UTF8.self) } }
        set { htmlUTF8 = newValue.map { Array($0.utf8) } }
    }
    /// `htmlBody` as UTF-8, as it is kept: a digest's HTML is made as bytes and encoded from them, without being
    /// checked as a string in between (issue 17: that check was a few per cent of the mailer's instructions).
    private var htmlUTF8: [UInt8]?
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
        self.htmlUTF8 = htmlBody.map { Array($0.utf8) }
        self.attachments = attachments
        self.extraFields = extraFields
    }

    /// A message whose HTML is given as its UTF-8 bytes (valid UTF-8, as `HTML` makes it).
    init(
        from: MailAddress, to: [MailAddress], subject: String, date: Date, messageID: String, body: String,
        htmlUTF8: [UInt8], attachments: [MailAttachment], extraFields: [(name: String, value: String)]
    ) {
        self.init(from: from, to: to, subject: subject, date: date, messageID: messageID, body: body,
                  attachments: attachments, extraFields: extraFields)
        self.htmlUTF8 = htmlUTF8
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
        ]
        fields += !attachments.isEmpty ? Self.mixedFields : htmlUTF8 != nil ? Self.alternativeFields : Self.plainFields
        for field in extraFields {
            fields.append(HeaderEncoding.unstructuredField(name: field.name, value: field.value))
        }
        return fields
    }

    /// The fields after the Message-ID that depend only on the kind of message, folded once per run rather than
    /// once per message (issue 17): the same calls with the same values.
    private static let mixedFields = fixedFields(contentType: "multipart/mixed; boundary=\"\(mixedBoundary)\"", multipart: true)
    private static let alternativeFields = fixedFields(
        contentType: "multipart/alternative; boundary=\"\(alternativeBoundary)\"", multipart: true)
    private static let plainFields = fixedFields(contentType: "text/plain; charset=utf-8", multipart: false)

    private static func fixedFields(contentType: String, multipart: Bool) -> [[String]] {
        [
            HeaderEncoding.fixedField(name: "MIME-Version", value: "1.0"),
            HeaderEncoding.fixedField(name: "Content-Type", value: contentType),
            // A multipart entity itself is 7bit: its parts say how each of them is encoded.
            HeaderEncoding.fixedField(name: "Content-Transfer-Encoding", value: multipart ? "7bit" : "quoted-printable"),
            // RFC 3834: machines must not answer it (vacation replies, bounces of bounces).
            HeaderEncoding.fixedField(name: "Auto-Submitted", value: "auto-generated"),
            // Exchange's equivalent, for the out-of-office replies RFC 3834 does not stop there.
            HeaderEncoding.fixedField(name: "X-Auto-Response-Suppress", value: "All"),
        ]
    }

    /// The whole message as bytes: header, empty line, the quoted-printable body or the MIME parts.
    ///
    /// Written into one byte buffer, each part encoded once straight into it (issue 17: a string per part, joined and
    /// converted again, was a good part of the mailer's CPU).
    public func rendered(lineEnding: LineEnding = .crlf) -> Data {
        let eol = Array(lineEnding.rawValue.utf8)
        var out: [UInt8] = []
        // Quoted-printable grows text by a few per cent (more for non-ASCII), base64 by a third.
        let content = body.utf8.count + (htmlUTF8?.count ?? 0)
        out.reserveCapacity(content + content / 4 + attachments.reduce(0) { $0 + $1.content.count * 7 / 5 } + 2048)
        for field in headerFields {
            for (index, line) in field.enumerated() {
                if index > 0 { out += eol }
                out += line.utf8
            }
            out += eol
        }
        out += eol
        if !attachments.isEmpty {
            let eolText = lineEnding.rawValue
            appendMultipartStart(boundary: Self.mixedBoundary, eol, to: &out)
            if htmlUTF8 != nil {
                out += "Content-Type: multipart/alternative; boundary=\"\(Self.alternativeBoundary)\"".utf8
                out += eol
                out += eol
                appendAlternativeParts(eol, to: &out)
            } else {
                Self.appendTextPart("text/plain; charset=utf-8", body, eol, to: &out)
            }
            for attachment in attachments {
                appendBoundary(Self.mixedBoundary, eol, to: &out)
                out += attachment.part(eolText).utf8
            }
            appendMultipartEnd(boundary: Self.mixedBoundary, eol, to: &out)
        } else if htmlUTF8 != nil {
            appendAlternativeParts(eol, to: &out)
        } else {
            Self.appendQuotedPrintable(body, eol, to: &out)
        }
        return Data(out)
    }

    static let mixedBoundary = "=_parley_mixed_7f3a"
    static let alternativeBoundary = "=_parley_alternative_7f3a"


    /// The text and the HTML between the alternative's boundary lines.
    private func appendAlternativeParts(_ eol: [UInt8], to out: inout [UInt8]) {
        appendMultipartStart(boundary: Self.alternativeBoundary, eol, to: &out)
        Self.appendTextPart("text/plain; charset=utf-8", body, eol, to: &out)
        appendBoundary(Self.alternativeBoundary, eol, to: &out)
        Self.appendHTMLPart(htmlUTF8 ?? [], eol, to: &out)
        appendMultipartEnd(boundary: Self.alternativeBoundary, eol, to: &out)
    }

    /// A multipart's preamble and its first boundary line; each part (its own header lines, an empty line and its
    /// content) follows a boundary line.
    private func appendMultipartStart(boundary: String, _ eol: [UInt8], to out: inout [UInt8]) {
        out += "This is a MIME message; your mail program shows one of its parts.".utf8
        out += eol
        appendBoundary(boundary, eol, to: &out)
    }

    private func appendBoundary(_ boundary: String, _ eol: [UInt8], to out: inout [UInt8]) {
        out += eol
        out += "--".utf8
        out += boundary.utf8
        out += eol
    }

    private func appendMultipartEnd(boundary: String, _ eol: [UInt8], to out: inout [UInt8]) {
        out += eol
        out += "--".utf8
        out += boundary.utf8
        out += "--".utf8
        out += eol
    }

    /// A text part: its type, quoted-printable. The text keeps its last line break: the one before the next
    /// boundary line belongs to the boundary (RFC 2046 §5.1.1).
    static func appendTextPart(_ contentType: String, _ content: String, _ eol: [UInt8], to out: inout [UInt8]) {
        out += "Content-Type: ".utf8
        out += contentType.utf8
        out += eol
        out += "Content-Transfer-Encoding: quoted-printable".utf8
        out += eol
        out += eol
        appendQuotedPrintable(content, eol, to: &out)
    }

    /// The HTML part, as `appendTextPart` writes it, from the HTML's UTF-8 bytes.
    static func appendHTMLPart(_ html: [UInt8], _ eol: [UInt8], to out: inout [UInt8]) {
        // Text with a CR (never a digest's) goes the string's way, to be normalised as it always was.
        let hasCarriageReturn = html.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0x0d, bytes.count) != nil
        }
        if hasCarriageReturn {
            appendTextPart("text/html; charset=utf-8", String(decoding: html, as: UTF8.self), eol, to: &out)
            return
        }
        out += "Content-Type: text/html; charset=utf-8".utf8
        out += eol
        out += "Content-Transfer-Encoding: quoted-printable".utf8
        out += eol
        out += eol
        // As `appendQuotedPrintable` without a CR: the bytes encoded, and the missing last line break added.
        html.withUnsafeBufferPointer { QuotedPrintable.append($0, lineEnding: eol, to: &out) }
        if html.last != 0x0a { out += eol }
    }

    /// `content` quoted-printable, its line breaks normalised to `\n` first and a last one added if missing.
    private static func appendQuotedPrintable(_ content: String, _ eol: [UInt8], to out: inout [UInt8]) {
        var content = content
        let hasCarriageReturn = content.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0x0d, bytes.count) != nil
        }
        if hasCarriageReturn {
            // Rare (the digests' text and HTML never hold one): Foundation's replacing, as it always was, since it
            // compares characters (a CR before a combining mark is kept, and encoded).
            content = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        // Without a CR, a line feed is a character of its own: the last byte says whether the text ends with one.
        let endsWithLineFeed = hasCarriageReturn ? content.hasSuffix("\n") : content.utf8.last == 0x0a
        content.withUTF8 { QuotedPrintable.append($0, lineEnding: eol, to: &out) }
        // The missing last line break: what encoding it would have added.
        if !endsWithLineFeed { out += eol }
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
