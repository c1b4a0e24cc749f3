extension Listing {
    /// A cut text column keeps at least this many columns (its header's width if wider): shorter, a value no
    /// longer says what it was.
    static let narrowestCut = 10

    /// Column widths for a table no wider than `width`, or nil when it cannot be that narrow.
    ///
    /// Only long text gives way: the first column (the row's code, track or e-mail, which other commands take),
    /// numbers, booleans, dates and times keep their width. Text columns are cut to one common cap, the largest
    /// that fits, so that the widest give way first and none below `narrowestCut`; what is left of the width goes
    /// back to the cut columns, widest first.
    func fittedWidths(natural: [Int], within width: Int) -> [Int]? {
        let cuttable = natural.indices.map { $0 > 0 && (kinds[$0] == .text || kinds[$0] == .json) }
        let floors = natural.indices.map { index in
            cuttable[index]
                ? min(natural[index], max(DisplayWidth.of(columns[index]), Self.narrowestCut)) : natural[index]
        }
        guard Self.lineWidth(floors) <= width else { return nil }
        func widths(cap: Int) -> [Int] {
            natural.indices.map { cuttable[$0] ? max(floors[$0], min(natural[$0], cap)) : natural[$0] }
        }
        var cap = natural.max() ?? 0
        while cap > 0 && Self.lineWidth(widths(cap: cap)) > width { cap -= 1 }
        var fitted = widths(cap: cap)
        var spare = width - Self.lineWidth(fitted)
        let cut = fitted.indices.filter { fitted[$0] < natural[$0] }.sorted { natural[$0] > natural[$1] }
        while spare > 0 {
            let before = spare
            for index in cut where spare > 0 && fitted[index] < natural[index] {
                fitted[index] += 1
                spare -= 1
            }
            if spare == before { break }
        }
        return fitted
    }

    /// Each record as a block of `column | value` lines under `-[ RECORD n ]`, every line at most `width` wide
    /// (values cut with "…"): for a listing with more columns than a table can show side by side.
    func records(_ cells: [[String]], width: Int) -> String {
        let labelWidth = columns.map(DisplayWidth.of).max() ?? 0
        let valueWidth = max(width - labelWidth - 3, 1)
        var out = ""
        for (number, row) in cells.enumerated() {
            var lines: [String] = []
            for (index, value) in row.enumerated() {
                let label = columns[index] + String(repeating: " ", count: labelWidth - DisplayWidth.of(columns[index]))
                let shown = DisplayWidth.cut(value, to: valueWidth)
                lines.append(DisplayWidth.cut(shown.isEmpty ? label + " |" : label + " | " + shown, to: width))
            }
            let title = "-[ RECORD \(number + 1) ]"
            let rule = max(lines.map(DisplayWidth.of).max() ?? 0, DisplayWidth.of(title))
            out += DisplayWidth.cut(title + String(repeating: "-", count: rule - DisplayWidth.of(title)), to: width) + "\n"
            out += lines.joined(separator: "\n") + "\n"
        }
        return out + Self.rowCount(rows.count)
    }
}
