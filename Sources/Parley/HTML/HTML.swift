/// A fragment of HTML that is safe by construction: text is escaped when it becomes HTML, element and attribute
/// names are literals of the program (`StaticString`), attribute values are escaped, and the only way to write
/// markup verbatim is `HTML.trusted`, which takes a literal too. Nothing that came from the database or a user can
/// open a tag, end one, or start a script.
///
/// Used for the briefs (`BriefRenderer`) and the HTML part of digests (`DigestHTMLRenderer`), and for the SVG charts
/// inside them.
public struct HTML: Sendable, Equatable {
    /// The markup's UTF-8 bytes. Fragments are bytes until a document is made of them (issue 17: a digest's HTML is
    /// built of thousands of small elements, each nested a few deep; as strings, each level was appended piece by
    /// piece, or validated as UTF-8 again when copied at once. Every piece is valid UTF-8, so is their
    /// concatenation).
    private var bytes: [UInt8]

    /// The markup, ready to be written into a document.
    public var markup: String { String(decoding: bytes, as: UTF8.self) }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Nothing.
    public static let empty = HTML(bytes: [])

    /// `text` as character data: `&`, `<`, `>`, `"` and `'` escaped, line breaks normalised to `\n`, and the
    /// characters HTML forbids in a document (NUL, the other C0 and C1 controls but tab, line feed and form feed,
    /// and the noncharacters) dropped, since a browser would flag or replace them.
    public static func text(_ text: String) -> HTML {
        HTML(bytes: escapedUTF8(text))
    }

    /// Text from the database shown inside a sentence: escaped as `text`, and isolated for bidirectional layout
    /// (`<bdi>`), so that a right-to-left name or a stray direction mark cannot reorder the words around it.
    public static func data(_ text: String) -> HTML {
        let escaped = escapedUTF8(text)
        return HTML(bytes: Pieces.joined(size: escaped.count + 11) { pieces in
            pieces.append("<bdi>")
            pieces.append(escaped)
            pieces.append("</bdi>")
        })
    }

    /// Markup written in the program, e.g. a style sheet. A literal: data can never reach it.
    public static func trusted(_ markup: StaticString) -> HTML {
        HTML(bytes: markup.withUTF8Buffer { Array($0) })
    }

    /// `<name attributes>children</name>`.
    public static func element(_ name: StaticString, _ attributes: [Attribute] = [], _ children: [HTML] = []) -> HTML {
        // Sized once: a digest's HTML is built of many small elements (issue 17, the mailer's CPU).
        var size = 2 * name.withUTF8Buffer(\.count) + 5
        for attribute in attributes { size += attribute.bytes.count }
        for child in children { size += child.bytes.count }
        return HTML(bytes: Pieces.joined(size: size) { pieces in
            pieces.append("<")
            pieces.append(name)
            for attribute in attributes { pieces.append(attribute.bytes) }
            pieces.append(">")
            for child in children { pieces.append(child.bytes) }
            pieces.append("</")
            pieces.append(name)
            pieces.append(">")
        })
    }

    /// An element with text content only.
    public static func element(_ name: StaticString, _ attributes: [Attribute] = [], text: String) -> HTML {
        element(name, attributes, [.text(text)])
    }

    /// A void element (`<meta …>`, `<br>`), or an SVG element without content written as `<line …/>`.
    public static func void(_ name: StaticString, _ attributes: [Attribute] = [], selfClosing: Bool = false) -> HTML {
        var size = name.withUTF8Buffer(\.count) + 3
        for attribute in attributes { size += attribute.bytes.count }
        return HTML(bytes: Pieces.joined(size: size) { pieces in
            pieces.append("<")
            pieces.append(name)
            for attribute in attributes { pieces.append(attribute.bytes) }
            pieces.append(selfClosing ? "/>" : ">")
        })
    }

    /// The fragments one after the other.
    public static func sequence(_ parts: [HTML]) -> HTML {
        var size = 0
        for part in parts { size += part.bytes.count }
        return HTML(bytes: Pieces.joined(size: size) { pieces in
            for part in parts { pieces.append(part.bytes) }
        })
    }

    /// The fragments with `separator` between them.
    public static func joined(_ parts: [HTML], separator: HTML) -> HTML {
        var size = max(parts.count - 1, 0) * separator.bytes.count
        for part in parts { size += part.bytes.count }
        return HTML(bytes: Pieces.joined(size: size) { pieces in
            for (index, part) in parts.enumerated() {
                if index > 0 { pieces.append(separator.bytes) }
                pieces.append(part.bytes)
            }
        })
    }

    public static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(bytes: lhs.bytes + rhs.bytes)
    }

    /// A whole document: doctype, UTF-8, the title, one style sheet, the body. No scripts, nothing loaded from
    /// elsewhere: it reads the same from a mail attachment, a file or a printer.
    public static func document(title: String, style: StaticString, lang: StaticString = "en", body: [HTML]) -> String {
        String(decoding: documentUTF8(title: title, style: style, lang: lang, body: body), as: UTF8.self)
    }

    /// `document` as UTF-8, for a mail part encoded from its bytes.
    static func documentUTF8(title: String, style: StaticString, lang: StaticString = "en", body: [HTML]) -> [UInt8] {
        let html = element("html", [Attribute("lang", lang.description)], [
            element("head", [], [
                void("meta", [Attribute("charset", "utf-8")]),
                void("meta", [Attribute("name", "viewport"), Attribute("content", "width=device-width, initial-scale=1")]),
                element("title", text: title),
                element("style", [], [trusted(style)]),
            ]),
            element("body", [], body),
        ])
        let doctype: StaticString = "<!DOCTYPE html>\n"
        return Pieces.joined(size: doctype.withUTF8Buffer(\.count) + html.bytes.count + 1) { pieces in
            pieces.append(doctype)
            pieces.append(html.bytes)
            pieces.append("\n")
        }
    }

    /// Byte arrays and literals copied one after the other into one array of a size known in advance (issue 17:
    /// appending to a `String` piece by piece, a million times a run, was a tenth of the mailer's instructions).
    /// The result is the pieces' concatenation.
    struct Pieces {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0

        private init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            self.buffer = buffer
        }

        /// The pieces `write` appends, concatenated; `size` is their total length in bytes (checked).
        static func joined(size: Int, _ write: (inout Pieces) -> Void) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                var pieces = Pieces(buffer)
                write(&pieces)
                initialized = pieces.count
            }
        }

        mutating func append(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { append($0) }
        }

        mutating func append(_ literal: StaticString) {
            literal.withUTF8Buffer { append($0) }
        }

        private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress, let start = buffer.baseAddress else { return }
            precondition(count + bytes.count <= buffer.count, "HTML.Pieces: more than the size given")
            (start + count).update(from: source, count: bytes.count)
            count += bytes.count
        }
    }

    /// `escape(text)`'s UTF-8 bytes.
    static func escapedUTF8(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { bytes in
            var clean = true
            bytesNeedingWork.withUnsafeBufferPointer { needsWork in
                for byte in bytes where needsWork[Int(byte)] {
                    clean = false
                    break
                }
            }
            return clean ? Array(bytes) : escapedBytes(bytes)
        }
    }

    /// Escapes character data and attribute values alike.
    ///
    /// From the UTF-8 bytes (issue 17: the mailer escapes every piece of data of every digest): a byte-wise check
    /// first, as most data needs nothing; else one pass that decodes each scalar only to tell a forbidden one.
    static func escape(_ text: String) -> String {
        var text = text
        let escaped: [UInt8]? = text.withUTF8 { bytes in
            var clean = true
            bytesNeedingWork.withUnsafeBufferPointer { needsWork in
                for byte in bytes where needsWork[Int(byte)] {
                    clean = false
                    break
                }
            }
            return clean ? nil : escapedBytes(bytes)
        }
        guard let escaped else { return text }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Bytes that `escape` cannot copy as they are: the five escaped characters, controls and DEL, and every byte of
    /// a character beyond ASCII.
    private static let bytesNeedingWork: [Bool] = (0...255).map { byte in
        byte < 0x20 || byte >= 0x7f || "&<>\"'".utf8.contains(UInt8(byte))
    }

    private static func escapedBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // Written into memory reserved for the worst case (every byte `&quot;`), without a capacity check per byte
        // (issue 17).
        let count = bytes.count
        return [UInt8](unsafeUninitializedCapacity: 6 * count) { buffer, initialized in
            guard let out = buffer.baseAddress else {
                initialized = 0
                return
            }
            var written = 0
            func put(_ literal: StaticString) {
                literal.withUTF8Buffer { entity in
                    for byte in entity {
                        out[written] = byte
                        written += 1
                    }
                }
            }
            var previousWasCR = false
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    switch byte {
                    case UInt8(ascii: "&"): put("&amp;")
                    case UInt8(ascii: "<"): put("&lt;")
                    case UInt8(ascii: ">"): put("&gt;")
                    case UInt8(ascii: "\""): put("&quot;")
                    case UInt8(ascii: "'"): put("&#39;")
                    case UInt8(ascii: "\r"):
                        out[written] = UInt8(ascii: "\n")
                        written += 1
                    case UInt8(ascii: "\n") where previousWasCR: break
                    case UInt8(ascii: "\t"), UInt8(ascii: "\n"), 0x0c:
                        out[written] = byte
                        written += 1
                    case 0..<0x20, 0x7f: break
                    default:
                        out[written] = byte
                        written += 1
                    }
                    previousWasCR = byte == UInt8(ascii: "\r")
                    index += 1
                    continue
                }
                // A scalar beyond ASCII: its length from the lead byte (the text is valid UTF-8), its value to check.
                let length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
                let end = min(index + length, count)
                var value = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0f : 0x1f)
                for continuation in (index + 1)..<end {
                    value = value << 6 | UInt32(bytes[continuation] & 0x3f)
                }
                if !isForbidden(value) {
                    for copied in index..<end {
                        out[written] = bytes[copied]
                        written += 1
                    }
                }
                previousWasCR = false
                index = end
            }
            initialized = written
        }
    }

    /// Controls and noncharacters, which the HTML standard makes parse errors.
    private static func isForbidden(_ value: UInt32) -> Bool {
        if value < 0x20 || (0x7f...0x9f).contains(value) { return true }
        if (0xfdd0...0xfdef).contains(value) { return true }
        return value & 0xfffe == 0xfffe
    }
}

/// An attribute of an element: the name a literal of the program, the value escaped.
public struct Attribute: Sendable, Equatable {
    /// ` name="value"` in UTF-8.
    let bytes: [UInt8]

    /// ` name="value"`.
    var markup: String { String(decoding: bytes, as: UTF8.self) }

    /// `name="value"`, the value escaped.
    public init(_ name: StaticString, _ value: String) {
        let escaped = HTML.escapedUTF8(value)
        bytes = HTML.Pieces.joined(size: name.withUTF8Buffer(\.count) + escaped.count + 4) { pieces in
            pieces.append(" ")
            pieces.append(name)
            pieces.append("=\"")
            pieces.append(escaped)
            pieces.append("\"")
        }
    }

    /// `class="…"`.
    public static func `class`(_ value: String) -> Attribute { Attribute("class", value) }
}
