/// Quoted-printable transfer encoding of a text body (RFC 2045 §6.7), so that any UTF-8 text travels as short
/// lines of 7-bit ASCII.
///
/// Lines are at most 76 characters (soft line breaks `=` where a line is longer); `=`, bytes outside printable
/// ASCII and spaces at the end of a line are escaped. Also escaped, so that no relay on the way can change the
/// text: the `F` of a line starting with `From ` (mbox would quote it) and `.` at the start of a line (SMTP dot
/// stuffing by a careless relay).
public enum QuotedPrintable {
    /// The longest encoded line, without its line break.
    public static let maximumLineLength = 76

    /// Encodes `text`, whose lines are separated by `\n`, into lines separated by `lineEnding`.
    ///
    /// A `\r` that is still in the text is encoded (`=0D`) rather than taken for a line break; callers normalise
    /// line breaks first. The result ends with `lineEnding` when `text` ends with `\n`.
    ///
    /// Works on the UTF-8 bytes in one pass (the mailer encodes every digest twice, text and HTML: BENCHMARKS.md,
    /// figure 4).
    public static func encode(_ text: String, lineEnding: String = "\r\n") -> String {
        let bytes = Array(text.utf8)
        let eol = Array(lineEnding.utf8)
        let softBreak = [UInt8(ascii: "=")] + eol
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8 + 16)
        var start = 0
        var first = true
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if !first { out += eol }
            first = false
            appendLine(bytes[start..<end], to: &out, softBreak: softBreak)
            if end == bytes.count { break }
            start = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One hard line as one or more soft lines (the `=` of the soft break not included).
    static func encodeLine(_ bytes: [UInt8]) -> [String] {
        var out: [UInt8] = []
        appendLine(bytes[...], to: &out, softBreak: [0])
        return out.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    private static let from = Array("From ".utf8)

    /// Appends one hard line, its soft lines separated by `softBreak`.
    private static func appendLine(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8], softBreak: [UInt8]) {
        let first = bytes.startIndex
        let last = bytes.endIndex - 1
        let startsFrom = bytes.starts(with: from)
        var current = 0
        for index in bytes.indices {
            let byte = bytes[index]
            let isLast = index == last
            var literal: Bool
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                literal = !isLast
            case UInt8(ascii: "="):
                literal = false
            case UInt8(ascii: "."):
                literal = index != first
            case 0x21...0x7e:
                literal = !(index == first && startsFrom)
            default:
                literal = false
            }
            // A soft line holds at most 75 characters plus its `=`; the final piece of the line may use all 76.
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if current + (literal ? 1 : 3) > limit {
                out += softBreak
                current = 0
                // A soft line is a line on the wire too: the same two escapes at its start.
                if literal && (byte == UInt8(ascii: ".")
                               || (byte == UInt8(ascii: "F") && bytes[index...].starts(with: from))) {
                    literal = false
                }
            }
            if literal {
                out.append(byte)
                current += 1
            } else {
                out.append(UInt8(ascii: "="))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0f)])
                current += 3
            }
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
