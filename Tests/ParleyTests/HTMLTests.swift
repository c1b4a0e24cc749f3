import Foundation
import PQ
import ParleyTestSupport
import PropertyBased
import Testing
@testable import Parley

/// The HTML builder: text is escaped by construction, whatever it holds, and what it builds parses without error
/// in a real HTML5 parser.
@Suite struct HTMLTests {
    @Test func textIsEscapedAndAttributesAreQuoted() {
        #expect(HTML.text("<script>alert('x')</script> & \"q\"").markup
            == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        let element = HTML.element("a", [Attribute("href", "https://x.example/?a=1&b=\"2\"><script>")], text: "x")
        #expect(element.markup == "<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;&gt;&lt;script&gt;\">x</a>")
    }

    @Test func controlsAndNoncharactersAreDroppedAndLineBreaksNormalised() {
        #expect(HTML.text("a\0b\u{1}c\u{7f}d\u{85}e" + Self.nonCharacter + "f" + Self.otherNonCharacter + "g").markup == "abcdefg")
        #expect(HTML.text("one\r\ntwo\rthree\nfour\tfive").markup == "one\ntwo\nthree\nfour\tfive")
    }

    @Test func dataIsIsolatedForRightToLeftText() {
        #expect(HTML.data("\u{202E}Russia").markup == "<bdi>\u{202E}Russia</bdi>")
    }

    @Test func onlyWebAddressesBecomeLinks() {
        #expect(HTML.link("https://example.org/a").markup == "<a href=\"https://example.org/a\"><bdi>https://example.org/a</bdi></a>")
        for hostile in ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", " vbscript:x", "https://a b"] {
            #expect(!HTML.link(hostile).markup.contains("href"), "\(hostile)")
        }
    }

    @Test func aDocumentHasNoScriptAndLoadsNothing() throws {
        let document = HTML.document(title: "T <x>", style: "p { color: red; }", body: [.element("p", text: "hello")])
        let check = try #require(try HTMLCheck.run([document]).first)
        #expect(check.error == nil, "\(check.error ?? "")")
        #expect(check.title == "T <x>")
        #expect(check.scripts == 0 && check.loaded.isEmpty)
    }

    /// Text built from the pieces that break markup: tags, quotes, ampersands and entities, right-to-left and
    /// other direction marks, controls, and words of up to 2,000 characters.
    /// U+FFFE and U+FDD0, which a Swift literal may not hold.
    static let nonCharacter = String(Unicode.Scalar(UInt32(0xFFFE))!)
    static let otherNonCharacter = String(Unicode.Scalar(UInt32(0xFDD0))!)

    static func hostileText(_ codes: [Int]) -> String {
        var text = ""
        for code in codes {
            let n = code / 12
            switch code % 12 {
            case 0: text += ["<script>alert(1)</script>", "</td></tr></table>", "<img src=x onerror=alert(1)>", "<!--", "-->", "<![CDATA[", "<svg onload=x>"][n % 7]
            case 1: text += ["\"", "'", "`", "=\"x\" onmouseover=\"y\""][n % 4]
            case 2: text += ["&", "&amp;", "&lt;", "&#0;", "&#x202E;", "&nbsp", "&;"][n % 7]
            case 3: text += ["\u{200F}", "\u{202E}", "\u{202B}", "\u{2067}", "\u{061C}", "שלום", "مرحبا"][n % 7]
            case 4: text += String(repeating: ["x", "Ж", "&", "<"][n % 4], count: 1 + n % 2_000)
            case 5: text.unicodeScalars.append(Unicode.Scalar(UInt8(n % 32)))
            case 6: text += ["\r\n", "\r", "\n", "\u{7f}", "\u{85}", nonCharacter, otherNonCharacter][n % 7]
            case 7: text += " "
            case 8: text += ["Türkiye", "Київ", "👨‍👩‍👧", "é\u{0301}"][n % 4]
            default: text += ["Release 1,000 prisoners", "ist-r1", "]]>", "?>"][n % 4]
            }
        }
        return text
    }

    static let hostile = Gen.int(in: 0...1_000_000).array(of: 0...30).map(HTMLTests.hostileText)

    /// What escaped text may hold: no markup character at all, and `&` only at the start of one of the five
    /// entities the builder writes.
    static func isInert(_ markup: String) -> Bool {
        if markup.contains("<") || markup.contains(">") || markup.contains("\"") || markup.contains("'") { return false }
        var rest = Substring(markup)
        while let amp = rest.firstIndex(of: "&") {
            let tail = rest[amp...]
            guard ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(where: { tail.hasPrefix($0) }) else { return false }
            rest = rest[rest.index(after: amp)...]
        }
        return true
    }

    /// The escaping undone, as a parser undoes it.
    static func unescaped(_ markup: String) -> String {
        markup.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The text without what HTML cannot hold (controls, noncharacters), line breaks normalised.
    static func representable(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            let value = scalar.value
            if scalar == "\n" && previousWasCR { continue }
            if scalar == "\r" { scalars.append("\n"); continue }
            if ["\t", "\n", "\u{0C}"].contains(scalar) { scalars.append(scalar); continue }
            if value < 0x20 || (0x7f...0x9f).contains(value) || (0xfdd0...0xfdef).contains(value) || value & 0xfffe == 0xfffe { continue }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    @Test func anyTextBecomesInertMarkupThatSaysItBack() async {
        await propertyCheck(count: 300, input: Self.hostile) { text in
            for markup in [HTML.text(text).markup, String(Attribute("title", text).markup.dropFirst(8).dropLast())] {
                #expect(Self.isInert(markup))
                #expect(Self.unescaped(markup) == Self.representable(text))
            }
        }
    }

    @Test func documentsOfHostileTextParseStrictlyAndSayItBack() throws {
        // Fixed seeds (no randomness in CI), one parser run for all of them.
        var generator = SplitMix64(seed: 16)
        let texts = (0..<40).map { _ in Self.hostileText((0..<30).map { _ in Int(generator.next() % 1_000_000) }) }
            + ["<script>alert('x')</script>", "\"quotes\" & 'apostrophes' & &amp;", "\u{202E}gnirts\u{200F} שלום",
               String(repeating: "W", count: 2_000)]
        let documents = texts.map { text in
            HTML.document(title: text, style: "td { overflow-wrap: anywhere; }", body: [
                .element("table", [], [.element("tr", [Attribute("title", text)], [.element("td", [], [.data(text)])])]),
                .element("p", [], [.link(text, text: text), .code(text)]),
            ])
        }
        let checks = try HTMLCheck.run(documents)
        for (text, check) in zip(texts, checks) {
            #expect(check.error == nil, "\(check.error ?? "") for \(text.debugDescription)")
            #expect(check.scripts == 0 && check.eventAttributes == 0 && check.loaded.isEmpty)
            let said = Self.representable(text)
            #expect(check.title.trimmingCharacters(in: .whitespacesAndNewlines) == said.trimmingCharacters(in: .whitespacesAndNewlines)
                    || check.title.split(whereSeparator: \.isWhitespace) == said.split(whereSeparator: \.isWhitespace))
            #expect(check.text.contains(said))
        }
    }
}

/// A small deterministic generator, so that the documents checked are the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// HTML fragments kept as bytes and each element copied once (issue 17) against the strings they stand for: every
/// constructor's markup is the concatenation `+` makes of its pieces, with `HTML.escape` (itself checked against the
/// code it replaced, `MailEncoderOracleTests`) for text and attribute values.
@Suite struct HTMLPiecesTests {
    @Test func everyFragmentIsTheConcatenationOfItsPieces() async {
        await propertyCheck(count: 400, input: MailPropertyTests.hostile) { text in
            #expect(HTML.text(text).markup == HTML.escape(text))
            #expect(HTML.data(text).markup == "<bdi>" + HTML.escape(text) + "</bdi>")
            let attributes = [Attribute("class", text), Attribute("style", "width:" + text), Attribute("colspan", "4")]
            let attributeMarkup = " class=\"" + HTML.escape(text) + "\" style=\"" + HTML.escape("width:" + text)
                + "\" colspan=\"4\""
            let children: [HTML] = [.text(text), .data(text), .empty, .element("span", [.class("label")], text: text + ": ")]
            let childMarkup = children.map(\.markup).joined()
            #expect(HTML.element("td", attributes, children).markup == "<td" + attributeMarkup + ">" + childMarkup + "</td>")
            #expect(HTML.element("td", [], []).markup == "<td></td>")
            #expect(HTML.element("p", text: text).markup == "<p>" + HTML.escape(text) + "</p>")
            #expect(HTML.void("col", attributes).markup == "<col" + attributeMarkup + ">")
            #expect(HTML.void("line", attributes, selfClosing: true).markup == "<line" + attributeMarkup + "/>")
            #expect(HTML.sequence(children).markup == childMarkup)
            #expect(HTML.sequence([]).markup == "")
            #expect(HTML.joined(children, separator: .text(" · ")).markup
                    == children.map(\.markup).joined(separator: " · "))
            #expect(HTML.joined([], separator: .text(" · ")).markup == "")
            #expect((HTML.data(text) + HTML.text(text)).markup == HTML.data(text).markup + HTML.text(text).markup)
            let document = HTML.document(title: text, style: "p { color: red; }", body: children)
            #expect(document == "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
                    + HTML.escape(text) + "</title><style>p { color: red; }</style></head><body>" + childMarkup
                    + "</body></html>\n")
        }
    }
}
