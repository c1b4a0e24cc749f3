import Foundation
import PQ

/// Opens connections the way every Parley program does.
public enum Database {
    /// Connects with `PARLEY_DATABASE_URL` when it is set (a libpq conninfo string or a `postgresql://` URL),
    /// otherwise with libpq's own defaults (`PGHOST`, `PGDATABASE`, `PGUSER`, `PGSERVICE`, `~/.pgpass`, …).
    ///
    /// - Parameters:
    ///   - applicationName: shown in `pg_stat_activity` unless the URL names one.
    ///   - defaults: libpq keywords that apply unless the URL sets them (keepalives, for the daemon).
    /// - Throws: `PQError` of kind `.connectionFailed` (its text never contains the password), or
    ///   `ConfigurationError` naming `PARLEY_DATABASE_URL` when the string itself is not valid.
    public static func connect(
        applicationName: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        defaults: [String: String] = [:]
    ) throws -> Connection {
        let url = environment["PARLEY_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            return try Connection(conninfo: url, applicationName: applicationName, defaults: defaults)
        } catch let error as PQError where error.kind == .invalidConnectionString {
            throw configurationError(error, urlSet: url != nil)
        }
    }

    /// A connection string that libpq refuses is a setting to fix, not a database to wait for (exit 78, not 75).
    static func configurationError(_ error: PQError, urlSet: Bool) -> ConfigurationError {
        ConfigurationError(
            setting: urlSet ? "PARLEY_DATABASE_URL" : "PG* environment",
            problem: "not a valid connection string: \(error.message)")
    }
}
