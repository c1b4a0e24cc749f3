import CLibPQ

extension Connection {
    /// Runs one statement with its values bound as parameters (`PQexecParams`, text format) and returns its rows.
    ///
    /// - Parameters:
    ///   - sql: one SQL statement with placeholders `$1`, `$2`, …; never paste values into it.
    ///   - parameters: the placeholders' values in order; an `Optional` that is nil is SQL NULL.
    /// - Throws: `PQError` — `.server` with the SQLSTATE when the server rejects the statement (e.g. 23505
    ///   unique_violation, 42P01 undefined_table), `.connectionLost` when the connection broke (also on later
    ///   calls), `.usage` when the connection is closed or text contains NUL.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PQEncodable] = []) throws -> QueryResult {
        try Self.requireNoNUL(sql, what: "the SQL text")
        let texts = try parameters.map { try $0.postgresText() }
        let result = try withCStrings(texts) { values in
            try libpqResult("PQexecParams", query: sql) { connection in
                PQexecParams(connection, sql, Int32(texts.count), nil, values, nil, nil, 0)
            }
        }
        return try Self.present(result, from: "PQexecParams")
    }

    /// Runs one statement like `query(_:_:)` and returns the number of rows it inserted, updated or deleted.
    ///
    /// - Throws: like `query(_:_:)`.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PQEncodable] = []) throws -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs fixed SQL text of PQ's own, possibly several statements, without parameters (`PQexec`).
    @discardableResult
    func executeSimple(_ sql: String) throws -> QueryResult {
        try Self.present(libpqResult("PQexec", query: sql) { connection in PQexec(connection, sql) }, from: "PQexec")
    }

    /// The result of a call that `libpqResult` never lets return NULL without throwing; total all the same.
    private static func present(_ result: QueryResult?, from function: String) throws -> QueryResult {
        guard let result else { throw PQError(kind: .client, message: "\(function) returned no result") }
        return result
    }
}
