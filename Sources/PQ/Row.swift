import Foundation

/// One row of a `QueryResult`; decodes its values into Swift types.
///
/// Columns are named exactly as the result names them (`select count(*) as total` → `"total"`) or by 0-based index.
public struct Row: Sendable {
    /// The result this row belongs to; keeps the `PGresult` alive.
    public let result: QueryResult

    /// The row's 0-based index in `result`.
    public let index: Int

    /// Decodes the value of the column named `column`.
    ///
    /// Ask for an `Optional` type to accept SQL NULL: `try row.decode("ends_on", as: CalendarDate?.self)`.
    /// - Throws: `.decoding` naming the column and its type when the value is NULL and `T` is not optional, when the
    ///   column's type does not fit `T`, or when the text is not a valid `T`; `.usage` when there is no such column.
    public func decode<T: PQDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(result.columnIndex(column), as: type)
    }

    /// Decodes the value of the column at 0-based `column`.
    ///
    /// - Throws: like `decode(_:as:)` with a name; `.usage` when the index is out of range.
    public func decode<T: PQDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        try decodeValue(column) { text, dataType in try T.decode(postgresText: text, type: dataType) }
    }

    /// Decodes a `json` or `jsonb` column (or text holding JSON) with `decoder`.
    ///
    /// SQL NULL decodes to nil when `T` is optional.
    /// - Throws: `.decoding` when the value is NULL and `T` is not optional, or is not valid JSON for `T`;
    ///   `.usage` when there is no such column.
    public func decodeJSON<T: Decodable>(
        _ column: String, as type: T.Type = T.self, using decoder: JSONDecoder = JSONDecoder()
    ) throws -> T {
        try decodeValue(result.columnIndex(column)) { text, dataType in
            if text == nil, let optional = T.self as? any ExpressibleByNilLiteral.Type,
               let none = optional.init(nilLiteral: ()) as? T {
                return none
            }
            return try PQJSON<T>.decode(postgresText: text, type: dataType, decoder: decoder).value
        }
    }

    /// Runs a decoder on the text of column `column` and names the column and its type in any error it throws.
    private func decodeValue<T>(_ column: Int, _ decoder: (String?, PQDataType) throws -> T) throws -> T {
        guard result.columnNames.indices.contains(column) else {
            throw PQError.usage("the result has no column \(column); it has \(result.columnNames.count)")
        }
        let dataType = result.columnTypes[column]
        do {
            return try decoder(result.text(row: index, column: column), dataType)
        } catch var error as PQError where error.kind == .decoding {
            error.column = result.columnNames[column]
            error.datatype = dataType.name
            throw error
        } catch {
            var wrapped = PQError.decoding("\(T.self) rejected the value")
            wrapped.column = result.columnNames[column]
            wrapped.datatype = dataType.name
            wrapped.underlying = error
            throw wrapped
        }
    }

    /// Whether the value of the column named `column` is SQL NULL.
    ///
    /// - Throws: `.usage` when there is no such column.
    public func isNull(_ column: String) throws -> Bool {
        try result.text(row: index, column: result.columnIndex(column)) == nil
    }
}
