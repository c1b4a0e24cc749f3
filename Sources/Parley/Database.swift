import Foundation
import PQ

/// Opens connections the way every Parley program does.
public enum Database {
    /// Connects with `PARLEY_DATABASE_URL` when it is set (a libpq conninfo string or a `postgresql://` URL),
    /// otherwise with libpq's own defaults (`PGHOST`, `PGDATABASE`, `PGUSER`, `PGSERVICE`, `~/.pgpass`, …).
    /// A command that only reads passes `reading: true`: it connects with `PARLEY_READ_DATABASE_URL` instead when
    /// that is set (a hot standby, or a multi-host URL with `target_session_attrs=prefer-standby`), so that readers
    /// can be spread over replicas while every write goes to the primary.
    ///
    /// - Parameters:
    ///   - applicationName: shown in `pg_stat_activity` unless the URL names one.
    ///   - defaults: libpq keywords that apply unless the URL sets them (keepalives, for the daemon).
    ///   - reading: the command only reads, so it may use `PARLEY_READ_DATABASE_URL`.
    /// - Throws: `PQError` of kind `.connectionFailed` (its text never contains the password), or
    ///   `ConfigurationError` naming the setting used when the string itself is not valid.
    public static func connect(
        applicationName: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        defaults: [String: String] = [:], reading: Bool = false
    ) throws -> Connection {
        let (setting, url) = location(in: environment, reading: reading)
        do {
            return try Connection(conninfo: url, applicationName: applicationName, defaults: defaults)
        } catch let error as PQError where error.kind == .invalidConnectionString {
            throw configurationError(error, setting: setting)
        }
    }

    /// The setting that says where to connect, and its value (nil: libpq's defaults, the PG* environment).
    static func location(in environment: [String: String], reading: Bool) -> (setting: String, url: String?) {
        if reading, let url = environment["PARLEY_READ_DATABASE_URL"], !url.isEmpty {
            return ("PARLEY_READ_DATABASE_URL", url)
        }
        if let url = environment["PARLEY_DATABASE_URL"], !url.isEmpty {
            return ("PARLEY_DATABASE_URL", url)
        }
        return ("PG* environment", nil)
    }

    /// A connection string that libpq refuses is a setting to fix, not a database to wait for (exit 78, not 75).
    static func configurationError(_ error: PQError, urlSet: Bool) -> ConfigurationError {
        configurationError(error, setting: urlSet ? "PARLEY_DATABASE_URL" : "PG* environment")
    }

    static func configurationError(_ error: PQError, setting: String) -> ConfigurationError {
        ConfigurationError(setting: setting, problem: "not a valid connection string: \(error.message)")
    }
}
