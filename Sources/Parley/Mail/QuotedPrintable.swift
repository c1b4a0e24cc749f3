import Foundation

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
        var out: [UInt8] = []
        append(text, lineEnding: Array(lineEnding.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of `text` (as `encode`) to `out`: the mailer writes a message's parts into one buffer
    /// (issue 17; every digest is encoded twice, text and HTML).
    static func append(_ text: String, lineEnding: [UInt8], to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append($0, lineEnding: lineEnding, to: &out) }
    }

    /// Appends the encoding of the UTF-8 bytes `bytes`, lines separated by `\n`, to `out`.
    ///
    /// Works on the bytes in one pass, writing into memory reserved for the worst case, then appended to `out` at
    /// once. The worst case: every byte escaped (3 out), a soft break (`=` and the line ending) at most every 24
    /// bytes in, and each `\n` (counted in the 3) becoming the line ending.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, lineEnding eol: [UInt8], to out: inout [UInt8]) {
        let n = bytes.count
        let capacity = 3 * n + (n / 24 + 2) * (eol.count + 1) + (eol.count > 3 ? n * eol.count : 0) + 16
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            guard let target = buffer.baseAddress else {
                initialized = 0
                return
            }
            initialized = eol.withUnsafeBufferPointer { eolBytes in
                encode(bytes, into: target, lineEnding: eolBytes, softBreakMark: UInt8(ascii: "="))
            }
        }
        out.append(contentsOf: encoded)
    }

    /// One hard line as one or more soft lines (the `=` of the soft break not included).
    static func encodeLine(_ bytes: [UInt8]) -> [String] {
        let separator: [UInt8] = [0]
        let encoded = bytes.withUnsafeBufferPointer { line in
            [UInt8](unsafeUninitializedCapacity: 4 * line.count + 16) { buffer, initialized in
                guard let target = buffer.baseAddress, let start = line.baseAddress else {
                    initialized = 0
                    return
                }
                initialized = separator.withUnsafeBufferPointer { separatorBytes in
                    appendLine(start, count: line.count, into: target, softBreak: separatorBytes, softBreakMark: nil)
                }
            }
        }
        return encoded.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes the encoding of `bytes` at `target`; returns how many bytes it wrote.
    private static func encode(
        _ bytes: UnsafeBufferPointer<UInt8>, into target: UnsafeMutablePointer<UInt8>,
        lineEnding eol: UnsafeBufferPointer<UInt8>, softBreakMark: UInt8
    ) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var written = 0
        var start = 0
        var first = true
        while true {
            var end = count
            if start < count, let found = memchr(base + start, 0x0a, count - start) {
                end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            if !first {
                for byte in eol {
                    target[written] = byte
                    written += 1
                }
            }
            first = false
            written += appendLine(
                base + start, count: end - start, into: target + written, softBreak: eol, softBreakMark: softBreakMark)
            if end == count { break }
            start = end + 1
        }
        return written
    }

    /// Whether a byte is printable ASCII written as it is wherever it stands (all but `=` and `.`).
    private static let plainBytes: [Bool] = (0...255).map { byte in
        (0x21...0x7e).contains(byte) && byte != Int(UInt8(ascii: "=")) && byte != Int(UInt8(ascii: "."))
    }

    /// Whether a byte is written as it is when it is neither the first nor the last of its line and the soft line
    /// has room: the plain bytes, and also space, tab and `.` (which are escaped only at a line's end or start).
    private static let midLineBytes: [Bool] = (0...255).map { byte in
        (0x20...0x7e).contains(byte) && byte != Int(UInt8(ascii: "=")) || byte == Int(UInt8(ascii: "\t"))
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Whether the `count` bytes at `start` begin with `From `.
    private static func startsFrom(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
        count >= 5 && start[0] == UInt8(ascii: "F") && start[1] == UInt8(ascii: "r") && start[2] == UInt8(ascii: "o")
            && start[3] == UInt8(ascii: "m") && start[4] == UInt8(ascii: " ")
    }

    /// Writes one hard line, its soft lines separated by `softBreakMark` (when not nil) and `softBreak`; returns how
    /// many bytes it wrote.
    private static func appendLine(
        _ bytes: UnsafePointer<UInt8>, count: Int, into target: UnsafeMutablePointer<UInt8>,
        softBreak: UnsafeBufferPointer<UInt8>, softBreakMark: UInt8?
    ) -> Int {
        guard count > 0 else { return 0 }
        let last = count - 1
        let lineStartsFrom = startsFrom(bytes, count: count)
        var written = 0
        var current = 0
        plainBytes.withUnsafeBufferPointer { plain in
          midLineBytes.withUnsafeBufferPointer { midLine in
            hexDigits.withUnsafeBufferPointer { hex in
                var index = 0
                while index < count {
                    let byte = bytes[index]
                    // Most bytes: printable, neither the line's first nor its last, with room on the soft line. Copied
                    // as a run up to the line's last byte or the soft line's 75th character, whichever comes first
                    // (issue 17: this loop was a tenth of the mailer's instructions, a byte at a time through the
                    // general case below, which writes these bytes the same way).
                    if midLine[Int(byte)] && index != 0 && index != last && current < maximumLineLength - 1 {
                        let stop = min(last, index + (maximumLineLength - 1 - current))
                        var end = index + 1
                        while end < stop && midLine[Int(bytes[end])] { end += 1 }
                        let run = end - index
                        (target + written).update(from: bytes + index, count: run)
                        written += run
                        current += run
                        index = end
                        continue
                    }
                    defer { index += 1 }
                    let isLast = index == last
                    var literal: Bool
                    if plain[Int(byte)] {
                        literal = !(index == 0 && lineStartsFrom)
                    } else {
                        switch byte {
                        case UInt8(ascii: " "), UInt8(ascii: "\t"):
                            literal = !isLast
                        case UInt8(ascii: "."):
                            literal = index != 0
                        default:
                            literal = false
                        }
                    }
                    // A soft line holds at most 75 characters plus its `=`; the final piece of the line may use all 76.
                    let limit = isLast ? maximumLineLength : maximumLineLength - 1
                    if current + (literal ? 1 : 3) > limit {
                        if let softBreakMark {
                            target[written] = softBreakMark
                            written += 1
                        }
                        for breakByte in softBreak {
                            target[written] = breakByte
                            written += 1
                        }
                        current = 0
                        // A soft line is a line on the wire too: the same two escapes at its start.
                        if literal && (byte == UInt8(ascii: ".")
                                       || (byte == UInt8(ascii: "F") && startsFrom(bytes + index, count: count - index))) {
                            literal = false
                        }
                    }
                    if literal {
                        target[written] = byte
                        written += 1
                        current += 1
                    } else {
                        target[written] = UInt8(ascii: "=")
                        target[written + 1] = hex[Int(byte >> 4)]
                        target[written + 2] = hex[Int(byte & 0x0f)]
                        written += 3
                        current += 3
                    }
                }
            }
          }
        }
        return written
    }
}
