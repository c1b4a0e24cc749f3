extension PQError {
    /// What went wrong, in broad terms. An open set: compare with `==` or `switch` with a `default`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed, invalidConnectionString, connectionLost, server, decoding, usage, client, rollbackFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Connecting failed: no server at that address, authentication failed, no such database, a malformed
        /// connection string. `message` is libpq's message, with any password removed.
        public static let connectionFailed = Kind(.connectionFailed)

        /// The connection string or URL itself is wrong: libpq cannot parse it, or an option has an invalid value
        /// (`sslmode=maybe`, a port that is not a number). Retrying cannot help; the setting must be fixed.
        /// `message` is libpq's, with nothing of the string quoted that could hold a password.
        public static let invalidConnectionString = Kind(.invalidConnectionString)

        /// The connection broke while in use: the backend was terminated (`pg_terminate_backend`, SQLSTATE 57P01),
        /// the server shut down or the network failed. The connection cannot be used again; open a new one.
        public static let connectionLost = Kind(.connectionLost)

        /// The server rejected a statement; `sqlState` and the other server fields say why.
        public static let server = Kind(.server)

        /// A result value could not be decoded into the requested Swift type; `column` and `datatype` name it.
        public static let decoding = Kind(.decoding)

        /// The API was used in a way that cannot work: the connection is closed, no such column, a NUL character
        /// in text, a nested transaction with its own isolation level.
        public static let usage = Kind(.usage)

        /// libpq or the operating system failed on the client side without losing the connection (out of memory,
        /// `poll()` failed).
        public static let client = Kind(.client)

        /// A transaction body threw and the ROLLBACK failed too. The server fields describe the ROLLBACK's failure;
        /// `underlying` is the body's error.
        public static let rollbackFailed = Kind(.rollbackFailed)

        public var description: String {
            base.rawValue
        }
    }
}
