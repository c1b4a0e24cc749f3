import PQ

/// Rows to print: the columns of a query result and each value as PostgreSQL writes it, with what JSON needs to
/// type the values (numbers, booleans, JSON stay themselves; everything else is text).
public struct Listing: Sendable {
    /// The kind of a column's values, for JSON output, for aligning numbers right in a table and for what a table
    /// may cut to fit a terminal (text only).
    public enum Kind: Sendable, Equatable {
        case text
        case number
        case boolean
        case json
        /// A date, time or interval: text in JSON, never cut in a table.
        case moment
    }

    public var columns: [String]
    public var kinds: [Kind]
    /// The values, row by row; nil is SQL NULL.
    public var rows: [[String?]]

    public init(columns: [String], kinds: [Kind], rows: [[String?]]) {
        self.columns = columns
        self.kinds = kinds
        self.rows = rows
    }

    /// The rows of a query result.
    public init(_ result: QueryResult) throws {
        columns = result.columnNames
        kinds = result.columnTypes.map { type in
            switch type {
            case .int2, .int4, .int8, .oid, .numeric, .float4, .float8: return .number
            case .bool: return .boolean
            case .json, .jsonb: return .json
            case .date, .time, .timetz, .timestamp, .timestamptz, .interval: return .moment
            default: return .text
            }
        }
        rows = try result.map { row in
            try (0..<result.columnNames.count).map { try row.decode($0, as: String?.self) }
        }
    }

    /// The listing written in `format`, ending with a newline (an empty table says so).
    ///
    /// - Parameter width: for a table, the width of the terminal it is shown on (see `TerminalWidth`); nil for
    ///   none, when every value is written whole. CSV and JSON are always whole.
    public func rendered(as format: OutputFormat, width: Int? = nil) -> String {
        switch format {
        case .table: return table(width: width)
        case .csv: return csv()
        case .json: return json()
        }
    }
}
