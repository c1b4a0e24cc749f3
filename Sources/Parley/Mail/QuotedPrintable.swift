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
    public static func encode(_ text: String, lineEnding: String = "\r\n") -> String {
        let hardLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var encodedLines: [String] = []
        for line in hardLines {
            encodedLines.append(encodeLine(Array(line.utf8)).joined(separator: "=" + lineEnding))
        }
        return encodedLines.joined(separator: lineEnding)
    }

    /// One hard line as one or more soft lines (the `=` of the soft break not included).
    static func encodeLine(_ bytes: [UInt8]) -> [String] {
        // Each byte's encoded form, so that a soft break never splits an escape.
        var pieces: [[UInt8]] = []
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let startsFrom = index == 0 && bytes.starts(with: Array("From ".utf8))
            let literal: Bool
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                literal = !isLast
            case UInt8(ascii: "="):
                literal = false
            case UInt8(ascii: "."):
                literal = index != 0
            case 0x21...0x7e:
                literal = !startsFrom
            default:
                literal = false
            }
            pieces.append(literal ? [byte] : escape(byte))
        }
        var lines: [String] = []
        var current: [UInt8] = []
        for (index, var piece) in pieces.enumerated() {
            let isLast = index == pieces.count - 1
            // A soft line holds at most 75 characters plus its `=`; the final piece of the line may use all 76.
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if current.count + piece.count > limit {
                lines.append(String(decoding: current, as: UTF8.self))
                current = []
                // A soft line is a line on the wire too: the same two escapes at its start.
                if piece == [UInt8(ascii: ".")] || (piece == [UInt8(ascii: "F")] && bytes[index...].starts(with: Array("From ".utf8))) {
                    piece = escape(piece[0])
                }
            }
            current += piece
        }
        lines.append(String(decoding: current, as: UTF8.self))
        return lines
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func escape(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]]
    }
}
