import Foundation

/// A file that travels with an e-mail, base64-encoded in a part of its own (`Content-Disposition: attachment`).
public struct MailAttachment: Sendable, Equatable {
    /// The name a mail program offers to save it as: letters, digits, `.`, `_` and `-` only (anything else
    /// becomes `_`), so that it needs neither quoting nor encoding in the header.
    public let filename: String
    /// The MIME type with its parameters, e.g. `text/html; charset=utf-8`: chosen by the program, never data.
    public let contentType: StaticString
    public let content: Data

    public init(filename: String, contentType: StaticString, content: Data) {
        let safe = String(String.UnicodeScalarView(filename.unicodeScalars.prefix(60).map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_".unicodeScalars.contains(scalar))
                ? scalar : "_"
        }))
        // Never empty or hidden, and at most 60 characters, so that its header lines stay within 78.
        self.filename = String((safe.isEmpty || safe.hasPrefix(".") ? "attachment" + safe : safe).prefix(60))
        self.contentType = contentType
        self.content = content
    }

    public static func == (lhs: MailAttachment, rhs: MailAttachment) -> Bool {
        lhs.filename == rhs.filename && lhs.contentType.description == rhs.contentType.description
            && lhs.content == rhs.content
    }

    /// The part: its header lines, an empty line, base64 in lines of 76 characters.
    func part(_ eol: String) -> String {
        // Folded before the name, so that every line stays within 78 characters.
        var text = "Content-Type: \(contentType);" + eol + " name=\"\(filename)\"" + eol
        text += "Content-Disposition: attachment;" + eol + " filename=\"\(filename)\"" + eol
        text += "Content-Transfer-Encoding: base64" + eol + eol
        let encoded = content.base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            text += encoded[index..<end] + eol
            index = end
        }
        return text
    }
}
