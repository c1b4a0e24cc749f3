import Foundation

/// One plain-text e-mail as RFC 5322 and MIME want it: UTF-8 text, quoted-printable, every header folded and
/// encoded by `HeaderEncoding`.
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
    /// Extra fields after the standard ones, e.g. `("X-Parley-Deliveries", "12 13")`; names are the program's,
    /// values are sanitised like any other.
    public var extraFields: [(name: String, value: String)]

    public init(
        from: MailAddress, to: [MailAddress], subject: String, date: Date, messageID: String, body: String,
        extraFields: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.body = body
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
            HeaderEncoding.fixedField(name: "Content-Type", value: "text/plain; charset=utf-8"),
            HeaderEncoding.fixedField(name: "Content-Transfer-Encoding", value: "quoted-printable"),
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

    /// The whole message as bytes: header, empty line, quoted-printable body.
    public func rendered(lineEnding: LineEnding = .crlf) -> Data {
        let eol = lineEnding.rawValue
        var text = headerFields.map { $0.joined(separator: eol) + eol }.joined()
        text += eol
        let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        text += QuotedPrintable.encode(normalised.hasSuffix("\n") ? normalised : normalised + "\n", lineEnding: eol)
        return Data(text.utf8)
    }

    /// `Tue, 27 May 2025 09:30:00 +0000`: RFC 5322 §3.3, always in UTC, English names whatever the locale.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %d %@ %04d %02d:%02d:%02d +0000", weekdays[(parts.weekday ?? 1) - 1], parts.day ?? 1,
            months[(parts.month ?? 1) - 1], parts.year ?? 1970, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }
}
