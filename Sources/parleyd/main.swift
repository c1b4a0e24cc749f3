import Foundation
import Parley

// parleyd: the alert-planning daemon. Everything it does lives in Parley.Daemon; this reads the settings and
// ends with the daemon's exit status, or with the one ErrorReport gives an error that stopped it from starting.
let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        usage: parleyd [--version]

        Keeps Parley's alerts planned: one instance leads (the others stand by), plans every alert due, and sleeps
        until the next one falls due or the database reports a change. Run it under systemd (Type=notify) or in
        the foreground; SIGTERM or SIGINT stop it, SIGHUP re-reads its settings from $PARLEY_ENV_FILE.

        Settings come from the environment and, for what it does not set, from $PARLEY_ENV_FILE
        (/etc/parley/parley.env; empty: no file), read at start.

        Settings: PARLEY_DATABASE_URL (else libpq's PG* defaults), PARLEY_LOG_LEVEL (info),
        PARLEY_HEARTBEAT_SECONDS (30), PARLEY_LEASE_SECONDS (3 heartbeats), PARLEY_STANDBY_CHECK_SECONDS (2),
        PARLEY_RECONNECT_MAX_SECONDS (30), PARLEY_LOCK_TIMEOUT_SECONDS (5),
        PARLEY_STATEMENT_TIMEOUT_SECONDS (600), PARLEY_ENV_FILE (/etc/parley/parley.env), PARLEY_SQL_DIR.
        See parleyd(8).
        """)
    exit(0)
}
if arguments.contains("--version") {
    print("parleyd \(ParleyVersion.current)")
    exit(0)
}
if let unknown = arguments.first {
    FileHandle.standardError.write(Data("parleyd: unknown argument '\(unknown)' (try --help)\n".utf8))
    exit(Sysexits.usage)
}

do {
    // The settings file, read at start as every Parley program reads it (variables already set win): outside systemd
    // nothing else loads it; under systemd, EnvironmentFile= has set the same values already.
    let environment = try SettingsFile.load()
    let settings = try DaemonSettings.load(from: environment)
    let migrator = try Migrator(sqlDirectory: try SQLDirectory.locate(environment: environment))
    let daemon = try Daemon(settings: settings, environment: environment, migrator: migrator)
    exit(daemon.run())
} catch {
    let report = ErrorReport(error)
    FileHandle.standardError.write(Data("<3>parleyd: \(report.message)\n".utf8))
    exit(report.exitStatus)
}
