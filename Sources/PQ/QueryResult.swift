import CLibPQ

/// The result of one statement: its rows, column names and affected-row count.
///
/// Owns its `PGresult` and `PQclear`s it in `deinit`. A result is read-only once made, so it and its rows may be
/// passed between threads (libpq allows reading one `PGresult` from several threads).
/// A collection of `Row`s: `for row in result`, `result.first`, `result.map { … }`.
public final class QueryResult: RandomAccessCollection, @unchecked Sendable {
    /// The `PGresult`, cleared in `deinit`; never used to change the result.
    let raw: OpaquePointer

    /// The names of the result's columns, in order; empty for statements that return no rows.
    public let columnNames: [String]

    /// The types of the result's columns, in order.
    public let columnTypes: [PQDataType]

    /// Each column name's first index, for a result wide and long enough that looking names up one by one in
    /// `columnNames` would cost (the mailer decodes some 60 columns by name per delivery: issue 17); nil otherwise.
    private let columnLookup: [String: Int]?

    init(owning raw: OpaquePointer) {
        self.raw = raw
        let count = Int(PQnfields(raw))
        columnNames = (0..<count).map { String(cString: PQfname(raw, Int32($0))) }
        columnTypes = (0..<count).map { PQDataType(oid: PQftype(raw, Int32($0))) }
        columnLookup = count >= 16 && PQntuples(raw) >= 4
            ? Dictionary(columnNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }) : nil
    }

    deinit {
        PQclear(raw)
    }

    /// The number of rows returned (`PQntuples`).
    public var rowCount: Int {
        Int(PQntuples(raw))
    }

    /// The rows an INSERT, UPDATE, DELETE, MERGE, SELECT, MOVE, FETCH or COPY affected (`PQcmdTuples`); 0 for other
    /// statements.
    public var affectedRows: Int {
        Int(String(cString: PQcmdTuples(raw))) ?? 0
    }

    /// The command tag the server sent, e.g. `INSERT 0 1` or `CREATE TABLE` (`PQcmdStatus`).
    public var commandTag: String {
        String(cString: PQcmdStatus(raw))
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int { rowCount }

    public subscript(position: Int) -> Row {
        precondition(indices.contains(position), "row \(position) out of range 0..<\(rowCount)")
        return Row(result: self, index: position)
    }

    /// The index of the column named exactly `name` (case-sensitive, unlike `PQfnumber`).
    ///
    /// - Throws: `.usage` when there is no such column.
    func columnIndex(_ name: String) throws -> Int {
        guard let index = columnLookup.map({ $0[name] }) ?? columnNames.firstIndex(of: name) else {
            throw PQError.usage("the result has no column named \"\(name)\" (columns: \(columnNames.joined(separator: ", ")))")
        }
        return index
    }

    /// The text of a value, nil for SQL NULL. Text is UTF-8: the connection sets `client_encoding`.
    func text(row: Int, column: Int) -> String? {
        if PQgetisnull(raw, Int32(row), Int32(column)) != 0 { return nil }
        return String(cString: PQgetvalue(raw, Int32(row), Int32(column)))
    }
}
