import CLibPQ
import Foundation

/// One connection to PostgreSQL through libpq, used synchronously.
///
/// **Threads:** a connection is used by one thread at a time, so it is not `Sendable`: create it on the thread
/// (or in the task) that uses it. Calls block that thread until the server answers; keep them off Swift's
/// cooperative thread pool.
///
/// **Lifetime:** the connection owns its `PGconn` and `PQfinish`es it in `close()` or, at the latest, in `deinit`.
///
/// **Session settings:** connecting sets `DateStyle = 'ISO, YMD'`, `IntervalStyle = 'postgres'` and
/// `client_encoding = 'UTF8'`, the text formats the decoders read. Changing them in the session breaks decoding of
/// dates and intervals. Server notices (`NOTICE`, `WARNING`) are discarded rather than printed to stderr.
public final class Connection {
    /// The open `PGconn`, nil after `close()`.
    private(set) var handle: OpaquePointer?

    /// Collects the server's FATAL message when it closes an idle connection; lives as long as `handle`.
    let noticeSink = NoticeSink()

    /// How many `transaction` calls are running, to name savepoints of nested ones.
    var transactionDepth = 0

    /// Checks that libpq can parse `conninfo` (a key/value string or a URL), without connecting: for a setting
    /// that is about to replace a working one.
    ///
    /// - Throws: `PQError` of kind `.invalidConnectionString`, quoting nothing of the string.
    public static func checkSyntax(of conninfo: String) throws {
        _ = try ConnectionString(conninfo)
    }

    /// Connects to PostgreSQL and prepares the session.
    ///
    /// - Parameters:
    ///   - conninfo: a libpq connection string (`host=/run/postgresql dbname=parley`), a `postgresql://` URL, a plain
    ///     database name, or nil (and `""`) for libpq's defaults: `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`,
    ///     `PGPASSWORD`, `PGSERVICE`, `~/.pgpass`. Fields it leaves out also come from those defaults.
    ///   - applicationName: shown in `pg_stat_activity`; passed as `fallback_application_name`, so an
    ///     `application_name` in `conninfo` or `PGAPPNAME` wins.
    ///   - defaults: further libpq keywords (e.g. `keepalives_idle`) that apply unless `conninfo` sets them.
    /// - Throws: `PQError` of kind `.connectionFailed` with libpq's message, or `.invalidConnectionString` when the
    ///   string itself (or an option's value) is wrong. No error text ever contains
    ///   `conninfo` or its password. The `PGconn` is finished also when connecting fails.
    public init(conninfo: String? = nil, applicationName: String? = nil, defaults: [String: String] = [:]) throws {
        let connectionString = try ConnectionString(conninfo ?? "")
        // Later entries override earlier ones, and the expanded "dbname" counts as its place in the list: the
        // fallback name and the defaults stay overridable by the caller's string, the client encoding is ours.
        var parameters: [(String, String)] = defaults.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let applicationName { parameters.append(("fallback_application_name", applicationName)) }
        if let conninfo, !conninfo.isEmpty { parameters.append(("dbname", conninfo)) }
        parameters.append(("client_encoding", "UTF8"))

        let connection = try withCStrings(parameters.map(\.0)) { keywords in
            try withCStrings(parameters.map(\.1)) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let connection else {
            throw PQError(kind: .connectionFailed, message: "out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PQError.trimmed(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            // libpq checks option values before it opens a socket, and words each complaint "invalid …"
            // (`invalid sslmode value`, `invalid port number`, `invalid integer value … for connection option`),
            // or, for a hostaddr that is no address, "could not parse network address". libpq's messages are in
            // English unless the locale has its translations; a translated one is taken for a failed connection,
            // as before this distinction existed.
            let malformed = message.hasPrefix("invalid ") || message.hasPrefix("could not parse network address")
            let kind: PQError.Kind = malformed ? .invalidConnectionString : .connectionFailed
            throw PQError(kind: kind, message: connectionString.redacting(message))
        }
        handle = connection
        noticeSink.install(on: connection)
        do {
            try executeSimple("SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3")
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Closes the connection (`PQfinish`). Harmless when already closed; every later call throws `.usage`.
    public func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// Whether the connection is open and usable (`PQstatus` is `CONNECTION_OK`); false after `close()` and after
    /// the connection was lost.
    public var isConnected: Bool {
        handle.map { PQstatus($0) == CONNECTION_OK } ?? false
    }

    /// The process ID of the server backend serving this connection (as in `pg_stat_activity.pid`), 0 when closed.
    public var backendPID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// The server's version as one number, e.g. `150018` for 15.18 and `90624` for 9.6.24; 0 when closed.
    public var serverVersion: Int {
        handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// Quotes `identifier` for use as an SQL identifier (`PQescapeIdentifier`): `Parley Changes` becomes
    /// `"Parley Changes"`. For names that cannot be parameters, such as LISTEN channels; never for values.
    ///
    /// - Throws: `.usage` when the connection is closed or the text contains a NUL character.
    public func escapeIdentifier(_ identifier: String) throws -> String {
        try Self.requireNoNUL(identifier, what: "an identifier")
        let escaped = try libpq("PQescapeIdentifier", { connection in
            PQescapeIdentifier(connection, identifier, identifier.utf8.count)
        }, failedIf: { $0 == nil })
        defer { PQfreemem(escaped) }
        // libpq above returned non-NULL, or it threw.
        return escaped.map { String(cString: $0) } ?? ""
    }

    /// Throws `.usage` when `text` contains NUL, which C strings cannot carry and PostgreSQL cannot store.
    static func requireNoNUL(_ text: String, what: String) throws {
        if text.utf8.contains(0) {
            throw PQError.usage("\(what) contains a NUL character, which PostgreSQL text cannot hold")
        }
    }
}

@available(*, unavailable, message: "a Connection is used by one thread at a time; create it where it is used")
extension Connection: Sendable {}

/// Calls `body` with a NULL-terminated array of C strings (`const char *const *`) copied from `strings`;
/// nil elements stay NULL.
func withCStrings<Result>(
    _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> Result
) throws -> Result {
    var copies: [UnsafeMutablePointer<CChar>?] = []
    copies.reserveCapacity(strings.count + 1)
    defer { copies.forEach { free($0) } }
    for string in strings {
        guard let string else {
            copies.append(nil)
            continue
        }
        guard let copy = strdup(string) else {
            throw PQError(kind: .client, message: "out of memory")
        }
        copies.append(copy)
    }
    copies.append(nil)
    return try copies.withUnsafeBufferPointer { buffer in
        // Never empty: it holds at least the terminating NULL.
        guard let start = buffer.baseAddress else { throw PQError(kind: .client, message: "out of memory") }
        return try start.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
            try body($0)
        }
    }
}
