import CLibPQ
import Foundation

extension PQError {
    /// An error from a failed PGresult's fields (`PQresultErrorField`); `message` falls back to
    /// `PQresultErrorMessage` when the error came from libpq rather than the server.
    init(serverFieldsOf result: OpaquePointer, kind: Kind) {
        // The PG_DIAG_* field codes of postgres_ext.h, which are character macros Swift does not import.
        func field(_ code: Unicode.Scalar) -> String? {
            PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
        }
        let primary = field("M")  // PG_DIAG_MESSAGE_PRIMARY
            ?? Self.trimmed(PQresultErrorMessage(result).map { String(cString: $0) } ?? "")
        self.init(kind: kind, message: primary.isEmpty ? "unknown error" : primary)
        sqlState = field("C").map(SQLState.init(rawValue:))  // PG_DIAG_SQLSTATE
        severity = field("V") ?? field("S")  // PG_DIAG_SEVERITY_NONLOCALIZED, PG_DIAG_SEVERITY
        detail = field("D")  // PG_DIAG_MESSAGE_DETAIL
        hint = field("H")  // PG_DIAG_MESSAGE_HINT
        statementPosition = field("P").flatMap { Int($0) }  // PG_DIAG_STATEMENT_POSITION
        internalPosition = field("p").flatMap { Int($0) }  // PG_DIAG_INTERNAL_POSITION
        internalQuery = field("q")  // PG_DIAG_INTERNAL_QUERY
        context = field("W")  // PG_DIAG_CONTEXT
        schema = field("s")  // PG_DIAG_SCHEMA_NAME
        table = field("t")  // PG_DIAG_TABLE_NAME
        column = field("c")  // PG_DIAG_COLUMN_NAME
        datatype = field("d")  // PG_DIAG_DATATYPE_NAME
        constraint = field("n")  // PG_DIAG_CONSTRAINT_NAME
    }

    /// A usage error: PQ's own message, which must not contain data values.
    static func usage(_ message: String) -> PQError {
        PQError(kind: .usage, message: message)
    }

    /// A decoding problem before the row fills in the column: PQ's own message without data values, and the
    /// offending value (shortened) as `detail`.
    static func decoding(_ message: String, value: String? = nil) -> PQError {
        var error = PQError(kind: .decoding, message: message)
        if let value {
            error.detail = "value: " + (value.count > 80 ? value.prefix(80) + "…" : value)
        }
        return error
    }

    /// libpq's messages end with a newline and sometimes carry a tab-indented second line.
    static func trimmed(_ message: String) -> String {
        message.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
