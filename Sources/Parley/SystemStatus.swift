import Foundation
import PQ

/// What `parley status` reports: the first thing an operator runs.
public struct SystemStatus: Sendable, Codable {
    public struct DaemonInstance: Sendable, Codable {
        public var host: String
        public var pid: Int
        public var version: String
        public var role: String
        public var secondsSinceHeartbeat: Int
        public var looksAlive: Bool
        public var waitingFor: String?
        public var lastPlanAt: Date?
        public var lastPlanSeconds: Double?
        /// Alerts it planned since it started; nil for a login not cleared secret (the total would count alerts it
        /// may not see, so `daemon_status` hides it).
        public var alertsPlanned: Int?
        /// When its leadership lease lapses unless renewed (past: it lapsed); nil when it holds none.
        public var leaseExpiresAt: Date?
        /// It holds the lease now (not lapsed, its session open): the one instance that may plan.
        public var holdsLease: Bool
    }

    public struct MailerRun: Sendable, Codable {
        public var finishedAt: Date
        public var exitStatus: Int
        /// Messages sent and failed in that run; nil for a login not cleared secret, as in `alert_status`.
        public var sent: Int?
        public var failed: Int?
    }

    public var database: String
    /// The login the status was read as, and the highest classification it sees (nil before the schema has the
    /// views): below secret, the counts of deliveries cover only the alerts it may see.
    public var login: String
    public var clearance: String?
    /// The database clock when the status was read: ages are measured against it, not the host's clock.
    public var readAt: Date
    public var serverVersion: String
    public var schemaVersion: Int
    public var knownVersion: Int
    public var pendingMigrations: [String]
    public var migrationProblems: [String]
    public var daemons: [DaemonInstance]
    public var deliveriesDue: Int
    public var deliveriesLater: Int
    public var deliveriesSending: Int
    public var deliveriesFailed: Int
    public var lastMailerRun: MailerRun?


    /// Reads the status. Works on a database that is not (fully) migrated: then it reports only the schema.
    public static func read(on connection: Connection, migrator: Migrator) throws -> SystemStatus {
        let migration = try migrator.status(on: connection)
        let identity = try connection.query(
            """
            select current_database() as database, current_setting('server_version') as version,
                   session_user::text as login, now() as read_at
            """)[0]
        var status = SystemStatus(
            database: try identity.decode("database"), login: try identity.decode("login"),
            clearance: nil, readAt: try identity.decode("read_at"),
            serverVersion: try identity.decode("version"),
            schemaVersion: migration.databaseVersion, knownVersion: migrator.latestVersion,
            pendingMigrations: migration.pending.map(\.fileName),
            migrationProblems: migration.problems.map(\.description),
            daemons: [], deliveriesDue: 0, deliveriesLater: 0, deliveriesSending: 0, deliveriesFailed: 0)
        // The views below exist from the alerts migration on; an older schema has nothing more to say.
        let hasViews: Bool = try connection.query(
            "select to_regclass('parley.alert_status') is not null and to_regclass('parley.daemon_status') is not null as present"
        )[0].decode("present")
        guard hasViews else { return status }
        status.clearance = try connection.query("select clearance::text as clearance from parley.whoami")[0].decode("clearance")

        // Before the leadership lease (a schema this build is ahead of, before parley migrate), the leader was the
        // instance that said so and looked alive.
        let hasLease: Bool = try connection.query(
            """
            select exists (select 1 from pg_catalog.pg_attribute
                            where attrelid = 'parley.daemon_status'::regclass and attname = 'holds_lease'
                              and not attisdropped) as present
            """)[0].decode("present")
        let daemons = hasLease
            ? try connection.query(
                """
                select host, pid, version, role::text as role, seconds_since_heartbeat, looks_alive, waiting_for,
                       last_plan_at, last_plan_seconds::float8 as last_plan_seconds, alerts_planned,
                       lease_expires_at, holds_lease
                  from parley.daemon_status
                """)
            : try connection.query(
                """
                select host, pid, version, role::text as role, seconds_since_heartbeat, looks_alive, waiting_for,
                       last_plan_at, last_plan_seconds::float8 as last_plan_seconds, alerts_planned,
                       null::timestamptz as lease_expires_at, role = 'leader' and looks_alive as holds_lease
                  from parley.daemon_status
                """)
        status.daemons = try daemons.map { row in
            DaemonInstance(
                host: try row.decode("host"), pid: try row.decode("pid"), version: try row.decode("version"),
                role: try row.decode("role"), secondsSinceHeartbeat: try row.decode("seconds_since_heartbeat"),
                looksAlive: try row.decode("looks_alive"), waitingFor: try row.decode("waiting_for"),
                lastPlanAt: try row.decode("last_plan_at"), lastPlanSeconds: try row.decode("last_plan_seconds"),
                alertsPlanned: try row.decode("alerts_planned"), leaseExpiresAt: try row.decode("lease_expires_at"),
                holdsLease: try row.decode("holds_lease"))
        }
        let alerts = try connection.query(
            """
            select pending_due, pending_later, sending, failed, last_mailer_run_at, last_mailer_exit_status,
                   last_mailer_sent, last_mailer_failed
              from parley.alert_status
            """)[0]
        status.deliveriesDue = try alerts.decode("pending_due")
        status.deliveriesLater = try alerts.decode("pending_later")
        status.deliveriesSending = try alerts.decode("sending")
        status.deliveriesFailed = try alerts.decode("failed")
        if let finished: Date = try alerts.decode("last_mailer_run_at") {
            status.lastMailerRun = MailerRun(
                finishedAt: finished, exitStatus: try alerts.decode("last_mailer_exit_status") ?? 0,
                sent: try alerts.decode("last_mailer_sent"), failed: try alerts.decode("last_mailer_failed"))
        }
        return status
    }

    /// The report as lines of text, for a terminal, ending with the verdict of `check(mailerPeriod:)`.
    public func text(mailerPeriod: Duration) -> String {
        var lines: [String] = []
        lines.append("Parley \(ParleyVersion.current) — database \(database) (PostgreSQL \(serverVersion)), as \(login)")
        let version = String(format: "%06d", schemaVersion)
        if !migrationProblems.isEmpty {
            lines.append("Schema:  version \(version) — PROBLEM")
            lines += migrationProblems.map { "         \($0)" }
        } else if pendingMigrations.isEmpty {
            lines.append("Schema:  version \(version), up to date")
        } else {
            lines.append("Schema:  version \(version), \(pendingMigrations.count) migration(s) pending: "
                + pendingMigrations.joined(separator: ", ") + " — run: parley migrate")
        }
        if daemons.isEmpty {
            lines.append("Daemon:  no parleyd instance is running: alerts are not being planned (systemctl start parleyd)")
        } else if liveLeader == nil {
            lines.append("Daemon:  no instance holds a valid leadership lease: alerts are not being planned")
        }
        for (index, daemon) in daemons.enumerated() {
            var line = (index == 0 && liveLeader != nil ? "Daemon:  " : "         ")
                + "\(daemon.role) on \(daemon.host), pid \(daemon.pid), version \(daemon.version), "
                + "heartbeat \(daemon.secondsSinceHeartbeat) s ago" + (daemon.looksAlive ? "" : " — NOT RESPONDING")
            if let at = daemon.lastPlanAt {
                line += "; last plan \(Timestamps.iso(at))"
                if let seconds = daemon.lastPlanSeconds { line += " (\(Int((seconds * 1000).rounded())) ms)" }
            }
            if let planned = daemon.alertsPlanned { line += "; \(planned) alert(s) planned" }
            lines.append(line)
            if let expires = daemon.leaseExpiresAt {
                let seconds = Int(expires.timeIntervalSince(readAt).rounded())
                lines.append("         " + (daemon.holdsLease
                    ? "holds the leadership lease until \(Timestamps.iso(expires)) (\(max(0, seconds)) s left)"
                    : seconds > 0 ? "holds a leadership lease whose session has ended: a standby takes over at its next check"
                    : "its leadership lease lapsed \(Self.age(-seconds)) ago: a standby takes over at its next check"))
            }
            if let waiting = daemon.waitingFor {
                lines.append("         waiting for \(waiting)")
            }
        }
        lines.append("Alerts:  \(deliveriesDue) delivery(ies) due now, \(deliveriesLater) later, \(deliveriesSending) being sent, "
            + "\(deliveriesFailed) failed" + (deliveriesFailed > 0 ? " (select * from parley.delivery_failures)" : ""))
        if let clearance, clearance != "secret" {
            lines.append("         counted over what \(login) may see (clearance \(clearance)); a login cleared secret sees all")
        }
        if let run = lastMailerRun {
            var line = "Mailer:  last run \(Timestamps.iso(run.finishedAt)) (\(Self.age(secondsSinceMailerRun ?? 0)) ago), "
                + "exit \(run.exitStatus)"
            if let sent = run.sent, let failed = run.failed { line += ", sent \(sent), failed \(failed)" }
            lines.append(line)
        } else {
            lines.append("Mailer:  never run (cron/parley or parley-alerts.timer runs `parley alerts send`)")
        }
        let verdict = check(mailerPeriod: mailerPeriod)
        lines.append("Check:   \(verdict.state)" + (verdict.problems.isEmpty ? "" : " — " + verdict.problems.joined(separator: "; ")))
        return lines.joined(separator: "\n")
    }
}
