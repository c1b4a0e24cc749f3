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
        element("bdi", [], [.text(text)])
    }

    /// Markup written in the program, e.g. a style sheet. A literal: data can never reach it.
    public static func trusted(_ markup: StaticString) -> HTML {
        HTML(markup: markup.description)
    }

    /// `<name attributes>children</name>`.
    public static func element(_ name: StaticString, _ attributes: [Attribute] = [], _ children: [HTML] = []) -> HTML {
        var markup = "<" + name.description
        for attribute in attributes { markup += attribute.markup }
        markup += ">"
        for child in children { markup += child.markup }
        markup += "</" + name.description + ">"
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
    static func escape(_ text: String) -> String {
        // Printable ASCII with nothing to escape (most data) is written as it is.
        if text.utf8.allSatisfy({ byte in
            byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<")
                && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'")
        }) {
            return text
        }
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\r": out.append("\n")
            case "\n" where previousWasCR: break
            case "\t", "\n", "\u{0C}": out.append(scalar)
            default:
                if isForbidden(scalar) { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Controls and noncharacters, which the HTML standard makes parse errors.
    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
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
        markup = " " + name.description + "=\"" + HTML.escape(value) + "\""
    }

    /// `class="…"`.
    public static func `class`(_ value: String) -> Attribute { Attribute("class", value) }
}
