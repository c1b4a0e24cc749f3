extension Listing {
    /// Aligned columns under a header, numbers to the right, `(n rows)` at the end; line breaks and tabs inside
    /// values shown as spaces so that one record stays on one line.
    ///
    /// - Parameter width: the terminal's width, or nil for no limit (a file, a pipe). With a width, no line is
    ///   longer: long text columns are cut with "…" (see `fittedWidths`), and when even that cannot fit, each
    ///   record is shown as a block of `column | value` lines (`records(width:)`), as psql's expanded display does.
    func table(width: Int? = nil) -> String {
        let header = columns
        let cells = rows.map { row in row.map { Self.oneLine($0 ?? "") } }
        var widths = header.map(DisplayWidth.of)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
        }
        if let width, Self.lineWidth(widths) > width {
            guard let fitted = fittedWidths(natural: widths, within: width) else {
                return records(cells, width: width)
            }
            widths = fitted
        }
        func line(_ values: [String], isHeader: Bool) -> String {
            var parts: [String] = []
            for (index, whole) in values.enumerated() {
                let value = DisplayWidth.cut(whole, to: widths[index])
                let padding = String(repeating: " ", count: widths[index] - DisplayWidth.of(value))
                let rightAligned = !isHeader && kinds[index] == .number
                let isLast = index == values.count - 1
                parts.append(rightAligned ? padding + value : (isLast ? value : value + padding))
            }
            return parts.joined(separator: "  ")
        }
        var out = line(header, isHeader: true) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in cells { out += line(row, isHeader: false) + "\n" }
        out += Self.rowCount(rows.count)
        return out
    }

    /// `(1 row)`, `(3 rows)`, with its newline.
    static func rowCount(_ count: Int) -> String {
        count == 1 ? "(1 row)\n" : "(\(count) rows)\n"
    }

    /// The width of a table line with columns this wide, two blanks between them.
    static func lineWidth(_ widths: [Int]) -> Int {
        widths.reduce(0, +) + 2 * max(widths.count - 1, 0)
    }

    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline || $0 == "\t" }) else { return text }
        return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}
