extension PQError: CustomStringConvertible, CustomDebugStringConvertible {
    /// A generic description without data values, query text or password, e.g.
    /// `PostgreSQL error 23505 (unique_violation)` or `could not connect to the database`.
    public var description: String {
        switch kind {
        case .connectionFailed:
            return "could not connect to the database"
        case .invalidConnectionString:
            return "the database connection string is not valid"
        case .connectionLost:
            return "the connection to the database was lost" + (sqlState.map { " (SQLSTATE \($0.rawValue))" } ?? "")
        case .server:
            var text = "PostgreSQL error"
            if let sqlState {
                text += " \(sqlState.rawValue)"
                if let name = sqlState.conditionName { text += " (\(name))" }
            }
            if let scriptName {
                text += " in \(scriptName)" + (scriptLine.map { ":\($0)" } ?? "")
            }
            return text
        case .decoding:
            let columnText = column.map { "column \"\($0)\"" } ?? "a column"
            let typeText = datatype.map { " of type \($0)" } ?? ""
            return "could not decode \(columnText)\(typeText): \(message)"
        case .usage:
            return "PQ usage error: \(message)"
        case .client:
            return "libpq failed on the client side" + (libpqFunction.map { " in \($0)" } ?? "")
        case .rollbackFailed:
            return "a transaction failed and its ROLLBACK failed too"
        default:
            return "PQ error (\(kind))"
        }
    }

    /// Every field, for logs that may hold data values: the message, all server fields, the query text and the
    /// underlying error. Never a password: the connection string is not kept.
    public var debugDescription: String {
        var fields: [String] = ["kind: \(kind)"]
        func add(_ name: String, _ value: String?) {
            if let value { fields.append("\(name): \(String(reflecting: value))") }
        }
        func add(_ name: String, _ value: Int?) {
            if let value { fields.append("\(name): \(value)") }
        }
        if let sqlState {
            fields.append("sqlState: \(sqlState.rawValue)" + (sqlState.conditionName.map { " (\($0))" } ?? ""))
        }
        add("severity", severity)
        add("message", message)
        add("detail", detail)
        add("hint", hint)
        add("schema", schema)
        add("table", table)
        add("column", column)
        add("datatype", datatype)
        add("constraint", constraint)
        add("statementPosition", statementPosition)
        add("internalQuery", internalQuery)
        add("internalPosition", internalPosition)
        add("context", context)
        add("libpqFunction", libpqFunction)
        add("scriptName", scriptName)
        add("scriptLine", scriptLine)
        add("query", query)
        if let underlying {
            fields.append("underlying: \(String(reflecting: underlying))")
        }
        return "PQError(\(fields.joined(separator: ", ")))"
    }

    /// The message for a person, as the server or libpq worded it: the primary message, then `DETAIL:` and `HINT:`
    /// lines; for scripts prefixed with `name:line: `. May contain data values: the caller decides whether to show it.
    public var serverMessage: String {
        var text = message
        if let scriptName {
            text = "\(scriptName)" + (scriptLine.map { ":\($0)" } ?? "") + ": " + text
        }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if kind == .rollbackFailed, let underlying {
            let cause = (underlying as? PQError)?.serverMessage ?? String(describing: underlying)
            text += "\nCAUSE: \(cause)"
        }
        return text
    }
}
