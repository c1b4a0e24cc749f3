extension Listing {
    /// RFC 4180: a header line, CRLF line ends, fields quoted when they hold a comma, a quote, a line break or
    /// leading or trailing blanks, quotes doubled; NULL is an empty field.
    func csv() -> String {
        var out = ""
        out += columns.map(Self.csvField).joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map { Self.csvField($0 ?? "") }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0.isNewline }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
