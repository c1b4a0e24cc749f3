/// Writes mail header fields from untrusted text: RFC 2047 encoded-words for anything that is not plain ASCII,
/// folding at 78 characters (RFC 5322 §2.1.1), and no CR, LF or NUL from the data ever reaching a header.
///
/// Every piece of text that goes into a header passes through `sanitized(_:)` first, which turns line breaks and
/// other control characters into spaces. What is left is either a plain ASCII word that cannot be mistaken for an
/// encoded-word, or is encoded; so a value can neither end its header nor start another one, whatever it holds.
public enum HeaderEncoding {
    /// The line length aimed for, without the line break (RFC 5322 says SHOULD NOT exceed 78).
    public static let preferredLineLength = 78
    /// The longest encoded-word RFC 2047 allows.
    static let maximumEncodedWordLength = 75
    /// The longest word left as it is; longer ones are encoded so that they can be split across lines.
    static let maximumPlainWordLength = 72

    private static let charset = "utf-8"

    /// `text` made safe for one header line: control characters (CR, LF, NUL, TAB, DEL, C1), the Unicode line and
    /// paragraph separators and runs of spaces become one space, and leading and trailing spaces go.
    public static func sanitized(_ text: String) -> String {
        // Words with one space between them and nothing space-like in them (most names and values, a subject with
        // its dash) are their own sanitised form. (This also holds every single-spaced printable ASCII text.)
        if isSingleSpacedWithoutControls(text) { return text }
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isSpaceLike(scalar) {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Whether `text` is printable ASCII with single spaces between its words and none at either end: what
    /// `sanitized` leaves as it is, and what `fold` writes as one line when it fits (issue 17: a message's dozen
    /// header fields were a good part of the mailer's CPU for small digests).
    static func isSingleSpacedPrintableASCII(_ text: String) -> Bool {
        let space = UInt8(ascii: " ")
        return BodyText.utf8(text) { bytes in
            var previous = space
            for byte in bytes {
                guard (0x21...0x7e).contains(byte) || (byte == space && previous != space) else { return false }
                previous = byte
            }
            return previous != space
        }
    }

    /// Whether `sanitized` leaves `text` as it is, from its UTF-8 bytes (issue 17: every subject has a dash, and
    /// sanitising it scalar by scalar was a few per cent of the mailer's instructions): no byte below 0x21 but single
    /// spaces between words, no DEL, no C1 control (`C2 80`–`C2 9F`), no line or paragraph separator (`E2 80 A8`,
    /// `E2 80 A9`). The bytes are valid UTF-8, so a `C2` or `E2` byte leads a scalar and the bytes after it are its.
    static func isSingleSpacedWithoutControls(_ text: String) -> Bool {
        let space = UInt8(ascii: " ")
        return BodyText.utf8(text) { bytes in
            var previous = space
            var beforePrevious: UInt8 = 0
            for byte in bytes {
                if byte < 0x21 && !(byte == space && previous != space) { return false }
                if byte == 0x7f { return false }
                if previous == 0xc2 && byte >= 0x80 && byte <= 0x9f { return false }
                if beforePrevious == 0xe2 && previous == 0x80 && (byte == 0xa8 || byte == 0xa9) { return false }
                beforePrevious = previous
                previous = byte
            }
            return previous != space
        }
    }

    /// `name: value` as the one line `fold` makes of a value whose words are all plain and that fits the line, or
    /// nil: the value is non-empty, single-spaced printable ASCII, without `=?`, no word longer than
    /// `maximumPlainWordLength`, and the line at most `preferredLineLength` long.
    private static func oneLine(name: String, value: String) -> [String]? {
        guard !value.isEmpty, name.utf8.count + 2 + value.utf8.count <= preferredLineLength,
              isSingleSpacedPrintableASCII(value), !containsEncodedWordStart(Substring(value))
        else { return nil }
        var word = 0
        for byte in value.utf8 {
            word = byte == UInt8(ascii: " ") ? 0 : word + 1
            if word > maximumPlainWordLength { return nil }
        }
        return [name + ": " + value]
    }

    /// An unstructured header field (`Subject`, …), folded into lines of at most 78 characters.
    ///
    /// - Parameters:
    ///   - name: the field name, e.g. `Subject`; must be printable ASCII without `:` (programmer's choice, not data).
    ///   - value: any text; it is sanitised, and encoded where it is not plain ASCII.
    /// - Returns: the field's lines, without line breaks; join them with the line ending followed by nothing (each
    ///   continuation line already starts with a space).
    public static func unstructuredField(name: String, value: String) -> [String] {
        oneLine(name: name, value: value) ?? fold(name: name, atoms: atoms(forText: sanitized(value), inPhrase: false))
    }

    /// An address field (`From`, `To`) with one or more mailboxes, folded like `unstructuredField`.
    public static func addressField(name: String, mailboxes: [MailAddress]) -> [String] {
        if mailboxes.count == 1, let line = oneLine(name: name, mailbox: mailboxes[0]) { return [line] }
        return foldedAddressField(name: name, mailboxes: mailboxes)
    }

    /// `addressField` laid out atom by atom, whatever the mailboxes.
    static func foldedAddressField(name: String, mailboxes: [MailAddress]) -> [String] {
        var all: [Atom] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var atoms: [Atom] = []
            let name = sanitized(mailbox.displayName ?? "")
            if !name.isEmpty {
                atoms += self.atoms(forText: name, inPhrase: true)
            }
            atoms.append(.verbatim("<\(mailbox.address)>" + (index < mailboxes.count - 1 ? "," : "")))
            all += atoms
        }
        return fold(name: name, atoms: all)
    }

    /// `name: Display Name <address>` (or `name: <address>`) as the one line `fold` makes of one mailbox whose display
    /// name is all plain words and which fits the line, or nil (issue 17: a message's From and To were folded atom by
    /// atom). The name is then its own sanitised form (`isSingleSpacedPrintableASCII`) and every word of it is plain in
    /// a phrase (RFC 5322 atext, no `=?`, at most `maximumPlainWordLength`); the line is at most `preferredLineLength`,
    /// so `fold` puts every atom on the first line, one space before each.
    private static func oneLine(name: String, mailbox: MailAddress) -> String? {
        let displayName = mailbox.displayName ?? ""
        guard name.utf8.count + 2 + displayName.utf8.count + (displayName.isEmpty ? 0 : 1) + mailbox.address.utf8.count + 2
                <= preferredLineLength,
              displayName.isEmpty || isSingleSpacedPrintableASCII(displayName)
        else { return nil }
        var word = 0
        var previous: UInt8 = 0
        for byte in displayName.utf8 {
            if byte == UInt8(ascii: " ") {
                word = 0
            } else {
                guard isAtext(Unicode.Scalar(byte)), !(previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")) else { return nil }
                word += 1
                if word > maximumPlainWordLength { return nil }
            }
            previous = byte
        }
        return displayName.isEmpty ? name + ": <" + mailbox.address + ">"
            : name + ": " + displayName + " <" + mailbox.address + ">"
    }

    /// A structured field whose value is already safe ASCII chosen by the program (`Date`, `Message-ID`,
    /// `MIME-Version`): checked, not encoded.
    ///
    /// Characters outside printable ASCII are replaced by `?`: such a value is a bug, never a way into the header.
    public static func fixedField(name: String, value: String) -> [String] {
        if let line = oneLine(name: name, value: value) { return line }
        // Printable ASCII already (what the program writes): as it is.
        let safe = value.utf8.allSatisfy({ (0x20...0x7e).contains($0) }) ? value
            : String(String.UnicodeScalarView(value.unicodeScalars.map { (0x20...0x7e).contains($0.value) ? $0 : "?" }))
        return fold(name: name, atoms: safe.split(separator: " ").map { .verbatim(String($0)) })
    }

    // MARK: - Atoms

    /// A piece of a field body that folding may put at the start of a continuation line.
    enum Atom: Equatable {
        /// Printable ASCII, no spaces, printed as it is.
        case plain(String)
        /// Text to encode as one or more encoded-words (spaces inside are part of the text).
        case encoded(String)
        /// Printable ASCII that must stay as it is even when long (an address, a Message-ID): an encoded-word
        /// there would destroy it. It may pass the 78-character line; the hard limit is 998.
        case verbatim(String)
    }

    /// Splits sanitised text into plain words and encoded runs. Words that are plain ASCII, short enough to fit a
    /// line, and cannot be mistaken for an encoded-word stay plain; neighbouring other words form one encoded run,
    /// with the spaces between them inside it (whitespace between two encoded-words is dropped when decoding).
    static func atoms(forText text: String, inPhrase: Bool) -> [Atom] {
        var atoms: [Atom] = []
        var run: [Substring] = []
        func flushRun() {
            if !run.isEmpty { atoms.append(.encoded(run.joined(separator: " "))) }
            run = []
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if isPlain(word, inPhrase: inPhrase) {
                flushRun()
                atoms.append(.plain(String(word)))
            } else {
                run.append(word)
            }
        }
        flushRun()
        return atoms
    }

    private static func isPlain(_ word: Substring, inPhrase: Bool) -> Bool {
        guard word.utf8.count <= maximumPlainWordLength, !containsEncodedWordStart(word) else { return false }
        return word.unicodeScalars.allSatisfy { scalar in
            inPhrase ? isAtext(scalar) : (0x21...0x7e).contains(scalar.value)
        }
    }

    /// Whether `=?` occurs in `word`, by its bytes (Foundation's `contains` on a substring bridged to NSString for
    /// every word of every header: a few per cent of the mailer's CPU).
    private static func containsEncodedWordStart(_ word: Substring) -> Bool {
        var previous: UInt8 = 0
        for byte in word.utf8 {
            if previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?") { return true }
            previous = byte
        }
        return false
    }

    /// RFC 5322 atext: what a display name may hold without quoting.
    private static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }

    private static func isSpaceLike(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x20, 0x7f...0x9f, 0x2028, 0x2029: return true
        default: return false
        }
    }

    // MARK: - Folding

    /// Lays atoms out on lines of at most `preferredLineLength`, one space between atoms, folding before an atom
    /// that does not fit. Encoded runs are cut into encoded-words sized to the room left on the line.
    static func fold(name: String, atoms: [Atom]) -> [String] {
        var lines: [String] = []
        var line = name + ":"
        for var atom in atoms {
            // A word too long for the field's first line cannot go to the next one without leaving the first
            // empty: encoded, it can be split instead.
            if case .plain(let word) = atom, lines.isEmpty, isFresh(line, name: name, lines: lines),
               line.utf8.count + 1 + word.utf8.count > preferredLineLength {
                atom = .encoded(word)
            }
            switch atom {
            case .plain(let word), .verbatim(let word):
                if line.utf8.count + 1 + word.utf8.count > preferredLineLength && !isFresh(line, name: name, lines: lines) {
                    lines.append(line)
                    line = ""
                }
                line += " " + word
            case .encoded(let text):
                var remaining = Substring(text)
                while !remaining.isEmpty {
                    var room = min(maximumEncodedWordLength, preferredLineLength - line.utf8.count - 1)
                    // Too little room for a useful word: start a continuation line.
                    if room < 24 && !isFresh(line, name: name, lines: lines) {
                        lines.append(line)
                        line = ""
                        room = min(maximumEncodedWordLength, preferredLineLength - 1)
                    }
                    let (word, rest) = encodedWord(from: remaining, maximumLength: max(room, 24))
                    line += " " + word
                    remaining = rest
                }
            }
        }
        lines.append(line)
        return lines
    }

    /// Whether `line` holds nothing yet but its indentation or the field name: folding there would only leave an
    /// empty line.
    private static func isFresh(_ line: String, name: String, lines: [String]) -> Bool {
        lines.isEmpty ? line == name + ":" : line.isEmpty
    }

    // MARK: - Encoded-words

    /// The longest encoded-word that holds a prefix of `text` within `maximumLength` characters (whole Unicode
    /// scalars only, so no character is split across words), and the rest. Uses Q encoding when that is shorter
    /// than base64 for the prefix, as most Latin-script text is.
    static func encodedWord(from text: Substring, maximumLength: Int) -> (String, Substring) {
        let overhead = "=?\(charset)?Q?".utf8.count + "?=".utf8.count
        let budget = maximumLength - overhead
        var bytes: [UInt8] = []
        var qLength = 0
        var end = text.unicodeScalars.startIndex
        var useQ = true
        for index in text.unicodeScalars.indices {
            let scalar = text.unicodeScalars[index]
            // Its UTF-8 bytes without a string of its own (issue 17: a subject's every character passes here).
            guard let scalarBytes = UTF8.encode(scalar) else { break }
            let newQ = qLength + scalarBytes.reduce(0) { $0 + qEncodedLength($1) }
            let newB = (bytes.count + scalarBytes.count + 2) / 3 * 4
            // Keep the cheaper encoding of the longer prefix; stop when neither fits.
            guard min(newQ, newB) <= budget || bytes.isEmpty else { break }
            bytes += scalarBytes
            qLength = newQ
            useQ = newQ <= newB
            end = text.unicodeScalars.index(after: index)
        }
        let rest = Substring(text.unicodeScalars[end...])
        let encodedText = useQ ? qEncoded(bytes) : base64(bytes)
        return ("=?\(charset)?\(useQ ? "Q" : "B")?\(encodedText)?=", rest)
    }

    /// The characters RFC 2047 §5(3) lets a Q-encoded word hold as they are, in any header position.
    private static func isQSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: " "):
            return true
        default:
            return false
        }
    }

    private static func qEncodedLength(_ byte: UInt8) -> Int { isQSafe(byte) ? 1 : 3 }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func qEncoded(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "_"))
            } else if isQSafe(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            out.append(base64Alphabet[Int(b0 >> 2)])
            out.append(base64Alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(chunk.count > 1 ? base64Alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(chunk.count > 2 ? base64Alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
