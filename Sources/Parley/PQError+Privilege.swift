import PQ

extension PQError {
    /// The server refused for a privilege the login lacks (`permission denied for function record_update`), as
    /// opposed to a refusal of Parley's own with the same SQLSTATE 42501 (a classification above one's clearance),
    /// which names its rule in the error's CONSTRAINT field and says itself what to do.
    public var isMissingPrivilege: Bool {
        kind == .server && sqlState == .insufficientPrivilege && constraint == nil
    }
}
