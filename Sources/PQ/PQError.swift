/// The one error type of the PQ module: a failed connect, a lost connection, a server error, a value that cannot
/// be decoded, or a misuse of the API.
///
/// `description` is generic and safe to log or show anyone: it never contains data values, query text or
/// passwords. `debugDescription` has every field (still no password: the connection string is never kept).
/// `serverMessage` is the message as the server (or libpq) worded it, with detail and hint, for a caller that
/// decides to show it — it may contain data values.
public struct PQError: Error {
    /// What went wrong, in broad terms; switch on this to decide what to do.
    public internal(set) var kind: Kind

    /// The server's SQLSTATE, when the server reported the error (`PG_DIAG_SQLSTATE`).
    public internal(set) var sqlState: SQLState?

    /// The primary message: the server's `PG_DIAG_MESSAGE_PRIMARY`, libpq's message, or PQ's own.
    ///
    /// Server and libpq messages may contain data values; PQ's own messages (kinds `.decoding` and `.usage`) do not.
    public internal(set) var message: String

    /// The server's severity, non-localized: `ERROR`, `FATAL` or `PANIC`.
    public internal(set) var severity: String?

    /// The server's detail message; may contain data values. For `.decoding`, the offending value (shortened).
    public internal(set) var detail: String?

    /// The server's hint, a suggestion what to do.
    public internal(set) var hint: String?

    /// The name of the constraint that was violated, for integrity constraint violations (class 23).
    public internal(set) var constraint: String?

    /// The schema of the object the error is about.
    public internal(set) var schema: String?

    /// The table the error is about.
    public internal(set) var table: String?

    /// The table column the error is about; for `.decoding`, the result column that could not be decoded.
    public internal(set) var column: String?

    /// The data type the error is about; for `.decoding`, the result column's type name (e.g. `int8`).
    public internal(set) var datatype: String?

    /// Where in the query text the error is, as a 1-based count of characters (not bytes).
    public internal(set) var statementPosition: Int?

    /// The text of an internally generated query (e.g. inside a PL/pgSQL function) that failed.
    public internal(set) var internalQuery: String?

    /// Where in `internalQuery` the error is, as a 1-based count of characters.
    public internal(set) var internalPosition: Int?

    /// The call stack of functions and internal queries the error happened in, one line each.
    public internal(set) var context: String?

    /// The query text that failed (for scripts, the whole script). Shown only by `debugDescription`.
    public internal(set) var query: String?

    /// The name of the script that failed, as given to `Connection.executeScript(_:name:)`.
    public internal(set) var scriptName: String?

    /// The 1-based line of `scriptName` where the error is: the error position's line when the server gave one,
    /// otherwise the first line of the failing statement.
    public internal(set) var scriptLine: Int?

    /// The libpq function that failed, for errors libpq reported without the server.
    public internal(set) var libpqFunction: String?

    /// A related error: for `.rollbackFailed` the error that caused the rollback; for `.decoding` an error a
    /// custom decoder threw.
    public internal(set) var underlying: (any Error)?

    init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
}
