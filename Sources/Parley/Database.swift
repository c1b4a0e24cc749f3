import Foundation
import PQ

/// Opens connections the way every Parley program does.
public enum Database {
    /// Connects with `PARLEY_DATABASE_URL` when it is set (a libpq conninfo string or a `postgresql://` URL),
    /// otherwise with libpq's own defaults (`PGHOST`, `PGDATABASE`, `PGUSER`, `PGSERVICE`, `~/.pgpass`, …).
    ///
    /// - Parameter applicationName: shown in `pg_stat_activity` unless the URL names one.
    /// - Throws: `PQError` of kind `.connectionFailed`; its text never contains the password.
    public static func connect(
        applicationName: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Connection {
        let url = environment["PARLEY_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        return try Connection(conninfo: url, applicationName: applicationName)
    }
}
