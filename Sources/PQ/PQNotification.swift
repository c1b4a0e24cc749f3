/// A notification delivered by PostgreSQL's NOTIFY (or `pg_notify`) to a channel this connection LISTENs to.
public struct PQNotification: Hashable, Sendable {
    /// The channel name, as given to `pg_notify` (not quoted).
    public var channel: String
    /// The payload; empty when none was given.
    public var payload: String
    /// The process ID of the server backend that sent it (compare with `Connection.backendPID`).
    public var senderPID: Int32

    public init(channel: String, payload: String, senderPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderPID = senderPID
    }
}
