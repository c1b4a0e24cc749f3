/// How a listing is printed: `table` for a person at a terminal, `csv` (RFC 4180) for a spreadsheet, `json` (an
/// array of objects) for a program.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table
    case csv
    case json
}
