/// The isolation level of a transaction started by `Connection.transaction(isolation:_:)`.
public enum IsolationLevel: String, Sendable, CaseIterable {
    /// Each statement sees data committed before it began (PostgreSQL's default).
    case readCommitted = "READ COMMITTED"
    /// All statements see data committed before the transaction's first statement; conflicting writes fail with
    /// SQLSTATE 40001 serialization_failure.
    case repeatableRead = "REPEATABLE READ"
    /// As if the transactions ran one after another; conflicts fail with SQLSTATE 40001 serialization_failure,
    /// and the caller retries.
    case serializable = "SERIALIZABLE"
}
