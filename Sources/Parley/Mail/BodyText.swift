/// Plain text for a mail body from untrusted data: control characters removed, line breaks normalised, lines
/// wrapped for a reader with a hanging indent.
enum BodyText {
    /// The width lines are wrapped to, in characters.
    static let width = 76

    /// `text` as lines: `\r\n`, `\r`, NEL and the Unicode line and paragraph separators end a line; tabs become
    /// spaces; NUL, the other C0 and C1 control characters and DEL are dropped; trailing spaces go.
    static func lines(_ text: String) -> [String] {
        // Most data is one line without controls or trailing spaces: that is its own line, as it is.
        if isOneCleanLine(text) { return [text] }
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

    /// Whether `text` has no line break, no control character (C0, DEL, C1) and no space at its end: then `lines`
    /// makes it one line, as it is. From the bytes: C1 controls are `C2 80`–`C2 9F` in UTF-8, the line and paragraph
    /// separators `E2 80 A8` and `E2 80 A9`.
    private static func isOneCleanLine(_ text: String) -> Bool {
        utf8(text) { bytes in
            var previous: UInt8 = 0
            var beforePrevious: UInt8 = 0
            for byte in bytes {
                if byte < 0x20 || byte == 0x7f { return false }
                if previous == 0xc2 && byte >= 0x80 && byte <= 0x9f { return false }
                if beforePrevious == 0xe2 && previous == 0x80 && (byte == 0xa8 || byte == 0xa9) { return false }
                beforePrevious = previous
                previous = byte
            }
            return previous != UInt8(ascii: " ")
        }
    }

    /// `body` run on the UTF-8 bytes of `text` in memory (issue 17: the checks that choose a shortcut read every
    /// byte of every value, and a pointer reads them several times faster than the string's UTF-8 view).
    static func utf8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = text
        return text.withUTF8(body)
    }

    /// One line of data (no line breaks kept), e.g. a name: `lines` joined with spaces.
    static func singleLine(_ text: String) -> String {
        // One line of printable ASCII without spaces at either end is already what this makes of it.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) && text.utf8.first != UInt8(ascii: " ")
            && text.utf8.last != UInt8(ascii: " ") {
            return text
        }
        return lines(text).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Wraps `text` (which may hold line breaks) to `width`: the first line starts with `first`, the others with
    /// `rest` (a hanging indent). Words longer than a line are cut.
    static func wrap(_ text: String, first: String, rest: String, width: Int = width) -> [String] {
        fittingLine(text, first: first, width: width).map { [$0] }
            ?? wrapWordByWord(text, first: first, rest: rest, width: width)
    }

    /// `wrap` laid out word by word, whatever the text.
    static func wrapWordByWord(_ text: String, first: String, rest: String, width: Int) -> [String] {
        var output: [String] = []
        var prefix = first
        // In ASCII every character is one byte: such a paragraph is wrapped from its bytes (most data is ASCII), by
        // the same code as text whose every scalar is a character (in ASCII each byte starts one).
        let asciiIndents = isASCII(first) && isASCII(rest)
        let restCount = rest.count
        for paragraph in lines(text) {
            if asciiIndents && isASCII(paragraph) {
                wrapScalars(paragraph, first: prefix, rest: rest, width: width, into: &output)
                prefix = rest
                continue
            }
            if isOneScalarPerCharacter(paragraph) && isOneScalarPerCharacter(prefix) && isOneScalarPerCharacter(rest) {
                wrapScalars(paragraph, first: prefix, rest: rest, width: width, into: &output)
                prefix = rest
                continue
            }
            var line = prefix
            // The line's length in characters, kept as words are added rather than counted again each time (issue
            // 17): two ASCII characters never join into one, so where a word joins the line with ASCII on both
            // sides the counts add up; elsewhere (a combining mark, a prepended sign) the line is counted again.
            var lineCount = prefix.count
            var lineHasWord = false
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                while !word.isEmpty {
                    let room = width - lineCount - (lineHasWord ? 1 : 0)
                    let wordCount = word.count
                    if wordCount <= room {
                        let joinsASCII = (line.unicodeScalars.last?.isASCII ?? true)
                            && (word.unicodeScalars.first?.isASCII ?? true)
                        line += (lineHasWord ? " " : "") + word
                        lineCount = joinsASCII ? lineCount + (lineHasWord ? 1 : 0) + wordCount : line.count
                        lineHasWord = true
                        word = ""
                    } else if lineHasWord {
                        output.append(line)
                        line = rest
                        lineCount = restCount
                        lineHasWord = false
                    } else {
                        // A word longer than the whole line: cut it.
                        let cut = max(room, 1)
                        line += word.prefix(cut)
                        word = word.dropFirst(cut)
                        output.append(line)
                        line = rest
                        lineCount = restCount
                    }
                }
            }
            output.append(lineHasWord ? line : trimmedTrailing(line))
            prefix = rest
        }
        return output
    }

    /// What `wrap` makes of most values: one line of printable ASCII words, one space between them, that fits after
    /// `first` (ASCII) is that one line, `first` followed by the text. Nil for anything else, which `wrap` lays out
    /// word by word (issue 17: a digest wraps some twenty values per alert).
    private static func fittingLine(_ text: String, first: String, width: Int) -> String? {
        let space = UInt8(ascii: " ")
        let count = text.utf8.count
        guard count > 0, first.utf8.count + count <= width, isASCII(first) else { return nil }
        // A space first (as if one came before the text) refuses a leading space as two in a row.
        let fits = utf8(text) { bytes in
            var previous = space
            for byte in bytes {
                guard byte >= 0x20 && byte < 0x7f && !(byte == space && previous == space) else { return false }
                previous = byte
            }
            return previous != space
        }
        return fits ? first + text : nil
    }

    /// Whether every Unicode scalar of `text` is a character of its own, whatever is around it: scalars from a few
    /// blocks (Latin up to the combining marks, Cyrillic without its marks, general punctuation, arrows) that are
    /// never marks, joiners, prepended or regional signs, nor line breaks. Digests are written with `—`, `“`, `”`,
    /// `·` and `→`, and most names are Latin: such text, ASCII included, is wrapped from its bytes by `wrapScalars`.
    static func isOneScalarPerCharacter(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x20...0x7e, 0xa0...0x2ff, 0x400...0x482, 0x48a...0x52f,
                 0x2010...0x2027, 0x2030...0x205e, 0x2190...0x21ff:
                return true
            default:
                return false
            }
        }
    }

    /// `wrap` of one paragraph whose every scalar is a character (`isOneScalarPerCharacter`): the same lines, from
    /// the UTF-8 bytes, each character counted once at its first byte (in ASCII, every byte).
    private static func wrapScalars(_ paragraph: String, first: String, rest: String, width: Int, into output: inout [String]) {
        let space = UInt8(ascii: " ")
        func characters(_ bytes: ArraySlice<UInt8>) -> Int {
            var count = 0
            for byte in bytes where byte & 0xc0 != 0x80 { count += 1 }
            return count
        }
        let restBytes = Array(rest.utf8)
        let restCount = characters(restBytes[...])
        var line = Array(first.utf8)
        var lineCount = characters(line[...])
        var lineHasWord = false
        let bytes = Array(paragraph.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == space {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count && bytes[end] != space { end += 1 }
            var word = bytes[index..<end]
            index = end
            while !word.isEmpty {
                let room = width - lineCount - (lineHasWord ? 1 : 0)
                let wordCount = characters(word)
                if wordCount <= room {
                    if lineHasWord {
                        line.append(space)
                        lineCount += 1
                    }
                    line.append(contentsOf: word)
                    lineCount += wordCount
                    lineHasWord = true
                    word = []
                } else if lineHasWord {
                    output.append(String(decoding: line, as: UTF8.self))
                    line = restBytes
                    lineCount = restCount
                    lineHasWord = false
                } else {
                    // A word longer than the whole line: cut it after `cut` characters.
                    let cut = max(room, 1)
                    var cutAt = word.startIndex
                    var counted = 0
                    while cutAt < word.endIndex {
                        if word[cutAt] & 0xc0 != 0x80 {
                            if counted == cut { break }
                            counted += 1
                        }
                        cutAt += 1
                    }
                    line.append(contentsOf: word[..<cutAt])
                    word = word[cutAt...]
                    output.append(String(decoding: line, as: UTF8.self))
                    line = restBytes
                    lineCount = restCount
                }
            }
        }
        if !lineHasWord {
            while line.last == space { line.removeLast() }
        }
        output.append(String(decoding: line, as: UTF8.self))
    }

    private static func isASCII(_ text: String) -> Bool {
        utf8(text) { bytes in bytes.allSatisfy { $0 < 0x80 } }
    }

    private static func trimmedTrailing(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
