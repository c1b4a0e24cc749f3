/// Plain text for a mail body from untrusted data: control characters removed, line breaks normalised, lines
/// wrapped for a reader with a hanging indent.
enum BodyText {
    /// The width lines are wrapped to, in characters.
    static let width = 76

    /// `text` as lines: `\r\n`, `\r`, NEL and the Unicode line and paragraph separators end a line; tabs become
    /// spaces; NUL, the other C0 and C1 control characters and DEL are dropped; trailing spaces go.
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0a where previousWasCR:
                break
            case 0x0a, 0x0d, 0x85, 0x2028, 0x2029:
                lines.append(trimmedTrailing(String(current)))
                current = String.UnicodeScalarView()
            case 0x09:
                current.append(" ")
            case 0x00...0x1f, 0x7f...0x9f:
                break
            default:
                current.append(scalar)
            }
            previousWasCR = scalar.value == 0x0d
        }
        lines.append(trimmedTrailing(String(current)))
        return lines
    }

    /// One line of data (no line breaks kept), e.g. a name: `lines` joined with spaces.
    static func singleLine(_ text: String) -> String {
        lines(text).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Wraps `text` (which may hold line breaks) to `width`: the first line starts with `first`, the others with
    /// `rest` (a hanging indent). Words longer than a line are cut.
    static func wrap(_ text: String, first: String, rest: String, width: Int = width) -> [String] {
        var output: [String] = []
        var prefix = first
        for paragraph in lines(text) {
            var line = prefix
            var lineHasWord = false
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                while !word.isEmpty {
                    let room = width - line.count - (lineHasWord ? 1 : 0)
                    if word.count <= room {
                        line += (lineHasWord ? " " : "") + word
                        lineHasWord = true
                        word = ""
                    } else if lineHasWord {
                        output.append(line)
                        line = rest
                        lineHasWord = false
                    } else {
                        // A word longer than the whole line: cut it.
                        let cut = max(room, 1)
                        line += word.prefix(cut)
                        word = word.dropFirst(cut)
                        output.append(line)
                        line = rest
                    }
                }
            }
            output.append(lineHasWord ? line : trimmedTrailing(line))
            prefix = rest
        }
        return output
    }

    private static func trimmedTrailing(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
