extension Listing {
    /// Aligned columns under a header, numbers to the right, `(n rows)` at the end; line breaks and tabs inside
    /// values shown as spaces so that one record stays on one line.
    func table() -> String {
        let header = columns
        let cells = rows.map { row in row.map { Self.oneLine($0 ?? "") } }
        var widths = header.map(Self.width)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.width(cell)) }
        }
        func line(_ values: [String], isHeader: Bool) -> String {
            var parts: [String] = []
            for (index, value) in values.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - Self.width(value))
                let rightAligned = !isHeader && kinds[index] == .number
                let isLast = index == values.count - 1
                parts.append(rightAligned ? padding + value : (isLast ? value : value + padding))
            }
            return parts.joined(separator: "  ")
        }
        var out = line(header, isHeader: true) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in cells { out += line(row, isHeader: false) + "\n" }
        out += rows.count == 1 ? "(1 row)\n" : "(\(rows.count) rows)\n"
        return out
    }

    private static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline || $0 == "\t" }) else { return text }
        return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    /// Columns a value takes on a terminal: wide (East Asian, emoji) characters take two.
    private static func width(_ text: String) -> Int {
        text.reduce(0) { total, character in
            guard let scalar = character.unicodeScalars.first else { return total }
            let wide = (0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
                || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
                || (0xFE30...0xFE4F).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value)
                || (0xFFE0...0xFFE6).contains(scalar.value) || (0x1F300...0x1FAFF).contains(scalar.value)
                || (0x20000...0x3FFFD).contains(scalar.value)
            return total + (wide ? 2 : 1)
        }
    }
}
