import CLibPQ

extension Connection {
    /// Runs a script of several SQL statements, such as a migration file, in one go (simple query protocol).
    ///
    /// Without its own `BEGIN`/`COMMIT`, the script runs as one implicit transaction: all or nothing. If it fails
    /// inside a `BEGIN` of its own while no transaction was open before, PQ rolls that transaction back so that the
    /// connection is usable again. Scripts cannot take parameters and must not use `COPY … FROM STDIN`.
    ///
    /// - Parameters:
    ///   - sql: the statements, separated by semicolons.
    ///   - name: the script's name for errors, e.g. `sql/migrations/000002_model.sql`.
    /// - Throws: `PQError` with `scriptName` = `name` and `scriptLine` = the line of the error's position when the
    ///   server reports one (a 1-based character offset into `sql`), otherwise the first line of the failing
    ///   statement. `serverMessage` then reads `name:line: message`.
    public func executeScript(_ sql: String, name: String) throws {
        try Self.requireNoNUL(sql, what: "the script \(name)")
        let wasIdle = try libpq("PQtransactionStatus", { PQtransactionStatus($0) }, failedIf: { _ in false })
            == PQTRANS_IDLE
        _ = try libpq("PQsendQuery", query: sql, { PQsendQuery($0, sql) }, failedIf: { $0 == 0 })

        // Every statement yields one result; the first error ends the script and the rest are drained.
        var completedStatements = 0
        var failure: PQError?
        while true {
            do {
                guard try libpqResult("PQgetResult", query: sql, allowNull: true, { PQgetResult($0) }) != nil else {
                    break
                }
                if failure == nil { completedStatements += 1 }
            } catch let error as PQError {
                if failure == nil { failure = error }
                if error.kind == .connectionLost || error.kind == .usage { break }
            }
        }
        guard var failure else { return }

        failure.scriptName = name
        if let position = failure.statementPosition {
            failure.scriptLine = SQLScript.line(ofCharacter: position, in: sql)
        } else {
            failure.scriptLine = SQLScript.statementStartLines(sql).dropFirst(completedStatements).first
        }
        if wasIdle, let handle, PQtransactionStatus(handle) != PQTRANS_IDLE {
            _ = try? executeSimple("ROLLBACK")
        }
        throw failure
    }
}
