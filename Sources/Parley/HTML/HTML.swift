/// A fragment of HTML that is safe by construction: text is escaped when it becomes HTML, element and attribute
/// names are literals of the program (`StaticString`), attribute values are escaped, and the only way to write
/// markup verbatim is `HTML.trusted`, which takes a literal too. Nothing that came from the database or a user can
/// open a tag, end one, or start a script.
///
/// Used for the briefs (`BriefRenderer`) and the HTML part of digests (`DigestHTMLRenderer`), and for the SVG charts
/// inside them.
public struct HTML: Sendable, Equatable {
    /// The markup, ready to be written into a document.
    public private(set) var markup: String

    private init(markup: String) {
        self.markup = markup
    }

    /// Nothing.
    public static let empty = HTML(markup: "")

    /// `text` as character data: `&`, `<`, `>`, `"` and `'` escaped, line breaks normalised to `\n`, and the
    /// characters HTML forbids in a document (NUL, the other C0 and C1 controls but tab, line feed and form feed,
    /// and the noncharacters) dropped, since a browser would flag or replace them.
    public static func text(_ text: String) -> HTML {
        HTML(markup: escape(text))
    }

    /// Text from the database shown inside a sentence: escaped as `text`, and isolated for bidirectional layout
    /// (`<bdi>`), so that a right-to-left name or a stray direction mark cannot reorder the words around it.
    public static func data(_ text: String) -> HTML {
        let escaped = escape(text)
        var markup = ""
        markup.reserveCapacity(escaped.utf8.count + 11)
        markup += "<bdi>"
        markup += escaped
        markup += "</bdi>"
        return HTML(markup: markup)
    }

    /// Markup written in the program, e.g. a style sheet. A literal: data can never reach it.
    public static func trusted(_ markup: StaticString) -> HTML {
        HTML(markup: markup.description)
    }

    /// `<name attributes>children</name>`.
    public static func element(_ name: StaticString, _ attributes: [Attribute] = [], _ children: [HTML] = []) -> HTML {
        // Sized once: a digest's HTML is built of many small elements (issue 17, the mailer's CPU).
        let tag = name.description
        var size = 2 * tag.utf8.count + 5
        for attribute in attributes { size += attribute.markup.utf8.count }
        for child in children { size += child.markup.utf8.count }
        var markup = ""
        markup.reserveCapacity(size)
        markup += "<"
        markup += tag
        for attribute in attributes { markup += attribute.markup }
        markup += ">"
        for child in children { markup += child.markup }
        markup += "</"
        markup += tag
        markup += ">"
        return HTML(markup: markup)
    }

    /// An element with text content only.
    public static func element(_ name: StaticString, _ attributes: [Attribute] = [], text: String) -> HTML {
        element(name, attributes, [.text(text)])
    }

    /// A void element (`<meta …>`, `<br>`), or an SVG element without content written as `<line …/>`.
    public static func void(_ name: StaticString, _ attributes: [Attribute] = [], selfClosing: Bool = false) -> HTML {
        var markup = "<" + name.description
        for attribute in attributes { markup += attribute.markup }
        markup += selfClosing ? "/>" : ">"
        return HTML(markup: markup)
    }

    /// The fragments one after the other.
    public static func sequence(_ parts: [HTML]) -> HTML {
        HTML(markup: parts.map(\.markup).joined())
    }

    /// The fragments with `separator` between them.
    public static func joined(_ parts: [HTML], separator: HTML) -> HTML {
        HTML(markup: parts.map(\.markup).joined(separator: separator.markup))
    }

    public static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(markup: lhs.markup + rhs.markup)
    }

    /// A whole document: doctype, UTF-8, the title, one style sheet, the body. No scripts, nothing loaded from
    /// elsewhere: it reads the same from a mail attachment, a file or a printer.
    public static func document(title: String, style: StaticString, lang: StaticString = "en", body: [HTML]) -> String {
        "<!DOCTYPE html>\n"
            + element("html", [Attribute("lang", lang.description)], [
                element("head", [], [
                    void("meta", [Attribute("charset", "utf-8")]),
                    void("meta", [Attribute("name", "viewport"), Attribute("content", "width=device-width, initial-scale=1")]),
                    element("title", text: title),
                    element("style", [], [trusted(style)]),
                ]),
                element("body", [], body),
            ]).markup + "\n"
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
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8 + 16)
        var previousWasCR = false
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "&"): out += "&amp;".utf8
                case UInt8(ascii: "<"): out += "&lt;".utf8
                case UInt8(ascii: ">"): out += "&gt;".utf8
                case UInt8(ascii: "\""): out += "&quot;".utf8
                case UInt8(ascii: "'"): out += "&#39;".utf8
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "\n") where previousWasCR: break
                case UInt8(ascii: "\t"), UInt8(ascii: "\n"), 0x0c: out.append(byte)
                case 0..<0x20, 0x7f: break
                default: out.append(byte)
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
                for copied in index..<end { out.append(bytes[copied]) }
            }
            previousWasCR = false
            index = end
        }
        return out
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
    let markup: String

    /// `name="value"`, the value escaped.
    public init(_ name: StaticString, _ value: String) {
        let escaped = HTML.escape(value)
        var markup = ""
        markup.reserveCapacity(name.utf8CodeUnitCount + escaped.utf8.count + 4)
        markup += " "
        markup += name.description
        markup += "=\""
        markup += escaped
        markup += "\""
        self.markup = markup
    }

    /// `class="…"`.
    public static func `class`(_ value: String) -> Attribute { Attribute("class", value) }
}
