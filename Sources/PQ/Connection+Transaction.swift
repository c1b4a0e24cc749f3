import CLibPQ

extension Connection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// **Nesting:** called inside another transaction (a `transaction` body, or after a `BEGIN` of the caller's), it
    /// uses a savepoint instead: the inner body's changes are undone when it throws, and the outer transaction goes
    /// on; they are committed with the outer one.
    ///
    /// **Errors:** the body's error is rethrown unchanged after the rollback. If the rollback fails too, throws
    /// `.rollbackFailed` carrying the rollback's failure, with the body's error as `underlying`. When the connection
    /// was lost, nothing is rolled back (the server already has) and the body's error is rethrown. A body that
    /// catches a statement's error and returns normally leaves an aborted transaction: it is rolled back and
    /// `.server` with SQLSTATE 25P02 in_failed_sql_transaction is thrown.
    ///
    /// - Parameters:
    ///   - isolation: the isolation level of a new transaction; nil for the server's default. Not allowed for a
    ///     nested transaction (throws `.usage`).
    ///   - body: the work; gets this connection.
    /// - Returns: what `body` returns.
    @discardableResult
    public func transaction<Result>(
        isolation: IsolationLevel? = nil, _ body: (Connection) throws -> Result
    ) throws -> Result {
        let status = try libpq("PQtransactionStatus", { PQtransactionStatus($0) }, failedIf: { _ in false })
        let nested: Bool
        switch status {
        case PQTRANS_IDLE:
            nested = false
        case PQTRANS_INTRANS:
            nested = true
        case PQTRANS_INERROR:
            throw PQError.usage("the current transaction is aborted; roll it back before starting another")
        default:
            throw PQError.usage("a transaction cannot start while a command is in progress")
        }
        if nested, isolation != nil {
            throw PQError.usage("a nested transaction (a savepoint) cannot have its own isolation level")
        }
        let savepoint = "pq_savepoint_\(transactionDepth + 1)"
        if nested {
            try executeSimple("SAVEPOINT \(savepoint)")
        } else {
            try executeSimple("BEGIN" + (isolation.map { " ISOLATION LEVEL \($0.rawValue)" } ?? ""))
        }
        transactionDepth += 1
        defer { transactionDepth -= 1 }

        let value: Result
        do {
            value = try body(self)
        } catch {
            try rollBack(to: nested ? savepoint : nil, after: error)
            throw error
        }
        do {
            if let handle, PQtransactionStatus(handle) == PQTRANS_INERROR {
                var error = PQError(kind: .server, message: "the transaction was aborted by an error the body caught")
                error.sqlState = .inFailedSqlTransaction
                throw error
            }
            try executeSimple(nested ? "RELEASE SAVEPOINT \(savepoint)" : "COMMIT")
        } catch {
            try rollBack(to: nested ? savepoint : nil, after: error)
            throw error
        }
        return value
    }

    /// Rolls back the transaction, or to `savepoint`, because of `cause`.
    ///
    /// - Throws: `.rollbackFailed` when the rollback fails; nothing when the connection is already lost.
    private func rollBack(to savepoint: String?, after cause: any Error) throws {
        guard isConnected else { return }
        do {
            if let savepoint {
                try executeSimple("ROLLBACK TO SAVEPOINT \(savepoint); RELEASE SAVEPOINT \(savepoint)")
            } else {
                try executeSimple("ROLLBACK")
            }
        } catch var rollbackError as PQError {
            // A connection lost during the rollback rolled the transaction back on the server anyway.
            guard isConnected else { return }
            rollbackError.kind = .rollbackFailed
            rollbackError.underlying = cause
            throw rollbackError
        }
    }
}
