extension Listing {
    /// An array of objects, one per row, keys in column order; numbers, booleans and JSON values typed, NULL as
    /// null, everything else (dates and times included) as strings. Ends with a newline.
    func json() -> String {
        guard !rows.isEmpty else { return "[]\n" }
        var out = "[\n"
        for (rowIndex, row) in rows.enumerated() {
            out += "  {"
            for (index, value) in row.enumerated() {
                if index > 0 { out += ", " }
                JSONText.appendQuoted(columns[index], to: &out)
                out += ": "
                out += Self.jsonValue(value, kind: kinds[index])
            }
            out += rowIndex == rows.count - 1 ? "}\n" : "},\n"
        }
        return out + "]\n"
    }

    private static func jsonValue(_ value: String?, kind: Kind) -> String {
        guard let value else { return "null" }
        switch kind {
        case .number:
            // NaN and the infinities have no JSON number.
            return YAMLScalar.number(value) != nil ? value : JSONText.quoted(value)
        case .boolean:
            return value == "t" || value == "true" ? "true" : "false"
        case .json:
            return value
        case .text, .moment:
            return JSONText.quoted(value)
        }
    }
}
