import CLibPQ

extension Connection {
    /// The one place where a failed libpq call becomes a thrown `PQError`, like swift-nio's system call wrapper.
    ///
    /// Runs `call` on the open `PGconn`; when `failedIf` says its value means failure, throws an error built from
    /// the connection's state: `.connectionLost` when `PQstatus` is `CONNECTION_BAD` (carrying the server's last
    /// FATAL message if it sent one), otherwise `.client` with `PQerrorMessage`. Throws `.usage` when closed.
    func libpq<Value>(
        _ function: String, query: String? = nil, _ call: (OpaquePointer) throws -> Value,
        failedIf failed: (Value) -> Bool
    ) throws -> Value {
        guard let handle else {
            throw PQError.usage("the connection is closed")
        }
        let value = try call(handle)
        if failed(value) {
            throw connectionError(handle, function: function, query: query)
        }
        return value
    }

    /// Runs a libpq call that returns a `PGresult` (`PQexec`, `PQexecParams`, `PQgetResult`) through `libpq` and
    /// owns the result; a NULL result or a failed status becomes a thrown `PQError`.
    ///
    /// A failed status throws `.connectionLost` when the connection broke, `.server` when the server sent an
    /// SQLSTATE and `.client` when libpq made up the error itself. A `COPY` the caller started is abandoned and
    /// throws `.usage`. With `allowNull`, a NULL result (no more results) is returned as nil.
    func libpqResult(
        _ function: String, query: String?, allowNull: Bool = false, _ call: (OpaquePointer) -> OpaquePointer?
    ) throws -> QueryResult? {
        let raw = try libpq(function, query: query, call, failedIf: { $0 == nil && !allowNull })
        guard let raw else { return nil }
        let result = QueryResult(owning: raw)
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy()
            var error = PQError.usage("COPY is not supported through PQ")
            error.query = query
            throw error
        default:
            let lost = handle.map { PQstatus($0) == CONNECTION_BAD } ?? true
            var error = PQError(serverFieldsOf: raw, kind: .server)
            if lost {
                error.kind = .connectionLost
            } else if error.sqlState == nil {
                error.kind = .client
                error.libpqFunction = function
            }
            error.query = query
            throw error
        }
    }

    /// The error describing why a libpq call on `connection` failed, from `PQstatus` and `PQerrorMessage`.
    private func connectionError(_ connection: OpaquePointer, function: String, query: String?) -> PQError {
        let libpqMessage = PQError.trimmed(String(cString: PQerrorMessage(connection)))
        var error: PQError
        if PQstatus(connection) == CONNECTION_BAD {
            if let fatal = noticeSink.lastFatal {
                error = fatal
                error.detail = error.detail ?? libpqMessage
            } else {
                error = PQError(kind: .connectionLost, message: libpqMessage)
            }
        } else {
            error = PQError(kind: .client, message: libpqMessage.isEmpty ? "\(function) failed" : libpqMessage)
        }
        error.libpqFunction = function
        error.query = query
        return error
    }

    /// Gets the connection out of a COPY state a statement entered, so that it can be used again.
    private func abandonCopy() {
        guard let handle else { return }
        // Ending a COPY FROM STDIN with an error message makes the server abort it; a COPY TO STDOUT is read to
        // its end. Each call is a harmless no-op in the other direction.
        _ = PQputCopyEnd(handle, "COPY is not supported through PQ")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let result = PQgetResult(handle) {
            PQclear(result)
        }
    }
}
