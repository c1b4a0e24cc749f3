import Foundation
import Logging

/// parleyd's settings, from the environment (and, on SIGHUP, the environment file overlaid on it).
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `PARLEY_DATABASE_URL` | libpq defaults | where the database is |
/// | `PARLEY_LOG_LEVEL` | `info` | debug, info, notice, warning, error |
/// | `PARLEY_HEARTBEAT_SECONDS` | 30 | how often the instance row in `daemon_status` is refreshed |
/// | `PARLEY_LEASE_SECONDS` | 3 heartbeats | how long leadership lasts unless the leader renews it (at least 2 heartbeats) |
/// | `PARLEY_STANDBY_CHECK_SECONDS` | 2 | how often a standby tries to become the leader |
/// | `PARLEY_RECONNECT_MAX_SECONDS` | 30 | the cap of the reconnect backoff (1–30) |
/// | `PARLEY_LOCK_TIMEOUT_SECONDS` | 5 | how long one planning statement waits for a lock before it retries later |
/// | `PARLEY_STATEMENT_TIMEOUT_SECONDS` | 600 | the longest one statement (a full plan) may run before it is cancelled |
/// | `PARLEY_ENV_FILE` | `/etc/parley/parley.env` | the file re-read on SIGHUP |
public struct DaemonSettings: Sendable, Equatable {
    public var databaseURL: String?
    public var logLevel: Logger.Level
    public var heartbeatInterval: Duration
    /// How long the leadership lease lasts from its last renewal (each heartbeat and each plan renews it): a leader
    /// that is frozen or cut off for longer is replaced, and refused if it comes back.
    public var leaseDuration: Duration
    public var standbyCheckInterval: Duration
    public var reconnectCap: Duration
    public var lockTimeout: Duration
    public var statementTimeout: Duration
    public var environmentFile: String?

    /// Reads and checks the settings.
    ///
    /// - Throws: `ConfigurationError` naming the variable and its rule.
    public static func load(from environment: [String: String]) throws -> DaemonSettings {
        let heartbeat = try seconds("PARLEY_HEARTBEAT_SECONDS", in: environment, default: 30, range: 1...3600)
        return DaemonSettings(
            databaseURL: environment["PARLEY_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 },
            logLevel: try JournaldLogHandler.level(from: environment["PARLEY_LOG_LEVEL"]),
            heartbeatInterval: .seconds(heartbeat),
            leaseDuration: .seconds(try leaseSeconds(in: environment, heartbeat: heartbeat)),
            standbyCheckInterval: .seconds(try seconds("PARLEY_STANDBY_CHECK_SECONDS", in: environment, default: 2, range: 1...60)),
            reconnectCap: .seconds(try seconds("PARLEY_RECONNECT_MAX_SECONDS", in: environment, default: 30, range: 1...30)),
            lockTimeout: .seconds(try seconds("PARLEY_LOCK_TIMEOUT_SECONDS", in: environment, default: 5, range: 1...300)),
            statementTimeout: .seconds(try seconds("PARLEY_STATEMENT_TIMEOUT_SECONDS", in: environment, default: 600, range: 10...86_400)),
            environmentFile: environment["PARLEY_ENV_FILE"] ?? "/etc/parley/parley.env")
    }

    /// `PARLEY_LEASE_SECONDS`: three heartbeats when unset; never shorter than two, or the lease would lapse
    /// whenever one heartbeat is late.
    static func leaseSeconds(in environment: [String: String], heartbeat: Int) throws -> Int {
        let lease = try seconds("PARLEY_LEASE_SECONDS", in: environment, default: 3 * heartbeat, range: 2...86_400)
        guard lease >= 2 * heartbeat else {
            throw ConfigurationError(
                setting: "PARLEY_LEASE_SECONDS",
                problem: "\(lease) s is shorter than two heartbeats (PARLEY_HEARTBEAT_SECONDS is \(heartbeat)): "
                    + "the lease would lapse whenever one heartbeat is late; make it at least \(2 * heartbeat)")
        }
        return lease
    }

    /// A whole number of seconds within `range`, or `default` when unset.
    static func seconds(
        _ name: String, in environment: [String: String], default value: Int, range: ClosedRange<Int>
    ) throws -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(
                setting: name, problem: "'\(text)' is not a whole number of seconds from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
