import Foundation

extension HTML {
    /// A link to `url` when it is a web address (http or https), else the address as text: a `javascript:` or
    /// `data:` address from the database never becomes something to click.
    public static func link(_ url: String, text: String? = nil) -> HTML {
        // Printable ASCII at both ends (every real address): nothing to trim, without Foundation's bridging.
        let trimmed = isPrintableASCII(url.utf8.first) && isPrintableASCII(url.utf8.last)
            ? url : url.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
              !trimmed.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f })
        else { return .data(text ?? url) }
        return element("a", [Attribute("href", trimmed)], [.data(text ?? trimmed)])
    }

    /// `String(format: "%.1f", value)` for 0...100: worked out from the digits when ten times the value is exactly a
    /// whole number (as most percentages are), so that nothing is rounded; through Foundation's formatting otherwise.
    static func oneDecimal(_ value: Double) -> String {
        let tenfold = (value * 10).rounded(.towardZero)
        // A fused multiply-add rounds once: zero only when value × 10 is that whole number exactly. Negative zero
        // prints its sign.
        guard value >= 0, value <= 100, value.sign == .plus, (-tenfold).addingProduct(value, 10) == 0 else {
            return String(format: "%.1f", value)
        }
        let tenths = Int(tenfold)
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func isPrintableASCII(_ byte: UInt8?) -> Bool {
        byte.map { (0x21...0x7e).contains($0) } ?? false
    }

    /// A query or command to copy, as code.
    public static func code(_ text: String) -> HTML {
        element("code", [], [.text(text)])
    }

    /// A horizontal bar of `percent` (0–100, clamped) with its label, drawn with two boxes: reads in a mail
    /// program without SVG or style sheets, and prints.
    public static func progressBar(percent: Double, label: String) -> HTML {
        let clamped = max(0, min(100, percent.isFinite ? percent : 0))
        let width = oneDecimal(clamped)
        return element("div", [.class("bar"), Attribute("role", "img"), Attribute("aria-label", label)], [
            element("div", [.class("bar-track"), Attribute("style", "width:100%;background:#e3e6ea;height:8px")], [
                element("div", [.class("bar-fill"), Attribute("style", "width:\(width)%;background:#2f6f4f;height:8px")]),
            ]),
            element("span", [.class("bar-label")], text: label),
        ])
    }
}
