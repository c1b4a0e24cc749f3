import Foundation
import Logging
import PQ
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// parleyd: keeps alert planning current.
///
/// One synchronous loop around `poll()`: it sleeps on the database socket and the signal pipe until a change
/// notification, the moment the next alert falls due, a heartbeat, a watchdog ping or a signal — never polling.
/// One instance leads (it holds the leadership lease, 425_leadership.sql) and plans; others stand by and try for
/// the lease every few seconds. A lost connection is retried with capped, jittered backoff, followed by a full plan.
///
/// What to do when is decided by `DaemonStateMachine`; this class only performs its steps — the statements, the
/// waits, the log lines and sd_notify messages — and reports back what came of each.
public final class Daemon {
    private let instanceID = UUID()
    private let host = ProcessInfo.processInfo.hostName
    private let pid = getpid()
    private let baseEnvironment: [String: String]
    private let notifier: SystemdNotifier
    private let signals: SignalPipe
    private let migrator: Migrator
    private var logger: Logger
    private let started = ContinuousClock.now
    private var machine: DaemonStateMachine
    private var connection: Connection?
    /// Pings the watchdog while a long statement (a full plan of a large database) keeps the loop busy.
    private let statementWatch: StatementWatchdog?

    /// Counts every statement sent, for the idle-cost measurement (`PARLEY_LOG_LEVEL=debug` logs it with each
    /// heartbeat).
    private var queriesSent = 0

    /// - Parameters:
    ///   - settings: the settings read at start.
    ///   - environment: the process environment; a reload overlays the environment file on it.
    /// - Throws: `SystemCallError` when the signal pipe cannot be set up.
    public init(settings: DaemonSettings, environment: [String: String], migrator: Migrator) throws {
        self.baseEnvironment = environment
        self.notifier = SystemdNotifier(environment: environment)
        self.signals = try SignalPipe()
        self.migrator = migrator
        let watchdogInterval = SystemdNotifier.watchdogInterval(environment: environment)
        self.statementWatch = watchdogInterval.map {
            StatementWatchdog(notifier: SystemdNotifier(environment: environment), interval: $0,
                              limit: settings.statementTimeout + .seconds(30))
        }
        self.machine = DaemonStateMachine(
            settings: settings, watchdogInterval: watchdogInterval, jitterSeed: UInt64.random(in: .min ... .max))
        var logger = Logger(label: "parleyd") { JournaldLogHandler(label: $0, level: settings.logLevel) }
        logger.logLevel = settings.logLevel
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT (exit 0), or a problem the operator must fix, such as a schema this build does
    /// not match (exit 78).
    ///
    /// - Returns: the exit status.
    public func run() -> Int32 {
        logger.info("parleyd \(ParleyVersion.current) starting (instance \(instanceID.uuidString.lowercased()), pid \(pid))")
        var step = machine.start(at: now())
        while true {
            for effect in step.effects { perform(effect) }
            if case .exit(let status) = step.command { return status }
            let event = perform(step.command)
            step = machine.handle(event, at: now())
        }
    }

    /// The machine's time: monotonic, since the start.
    private func now() -> DaemonStateMachine.Moment {
        ContinuousClock.now - started
    }

    // MARK: - Effects

    private func perform(_ effect: DaemonStateMachine.Effect) {
        switch effect {
        case let .log(level, message):
            logger.log(level: level, "\(message)")
        case .notify(let state):
            notifier.notify(Self.message(for: state))
        case .closeConnection:
            connection?.close()
            connection = nil
        case .setLogLevel(let level):
            logger.logLevel = level
        case .setLibpqEnvironment(let variables):
            // libpq reads PG* variables from the process environment: a changed one applies to the next connection.
            for (key, value) in variables {
                do {
                    try systemCall("setenv") { setenv(key, value, 1) }
                } catch {
                    logger.error("cannot set \(key) for the next connection: \(error)")
                }
            }
        }
    }

    /// The sd_notify message for a state.
    static func message(for state: DaemonStateMachine.ServiceState) -> String {
        switch state {
        case .ready(let status): return "READY=1\nSTATUS=\(status)"
        case .status(let status): return "STATUS=\(status)"
        case .reloaded: return "READY=1"
        case .reloading: return "RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())"
        case .stopping: return "STOPPING=1"
        case .watchdog: return "WATCHDOG=1"
        }
    }

    // MARK: - Commands

    private func perform(_ command: DaemonStateMachine.Command) -> DaemonStateMachine.Event {
        switch command {
        case .connect(let databaseURL):
            return connect(databaseURL)
        case let .prepareSession(lockTimeout, statementTimeout):
            return onSession { connection in
                try watched { try migrator.requireCurrentSchema(on: connection) }
                queriesSent += 2 + migrator.migrations.count
                // A lock held by another transaction delays a plan by lockTimeout at most; a statement that runs
                // away is cancelled after statementTimeout; a peer that vanished from the network is noticed within
                // about a minute on the server's side too (the client's side is set when connecting).
                try connection.query(
                    """
                    select set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false),
                           set_config('tcp_keepalives_idle', '30', false), set_config('tcp_keepalives_interval', '10', false),
                           set_config('tcp_keepalives_count', '3', false)
                    """,
                    ["\(lockTimeout.components.seconds)s", "\(statementTimeout.components.seconds)s"])
                queriesSent += 1
                return .sessionPrepared
            }
        case .tryLeadership(let lease):
            return onSession { connection in
                let token: Int64? = try connection.query(
                    "select parley.daemon_claim_leadership($1, make_interval(secs => $2)) as token",
                    [instanceID, DaemonStateMachine.seconds(lease)])[0].decode("token")
                queriesSent += 1
                return token.map { .leadershipAcquired(token: $0) } ?? .leadershipHeldElsewhere
            }
        case .listen:
            return onSession { connection in
                try connection.listen(PlanChannel.name)
                queriesSent += 1
                return .listening
            }
        case let .heartbeat(role, waitingFor, renewing):
            return onSession { connection in
                let record: [any PQEncodable] = [instanceID, host, Int(pid), ParleyVersion.current, role.rawValue, waitingFor]
                if let lease = renewing {
                    // One statement, one transaction: a refused renewal records nothing either.
                    do {
                        try connection.query(
                            """
                            select parley.daemon_renew_leadership($7, make_interval(secs => $8)),
                                   parley.daemon_heartbeat($1, $2, $3, $4, $5, $6)
                            """, record + [lease.token, DaemonStateMachine.seconds(lease.duration)])
                        queriesSent += 1
                    } catch let error as PQError where Self.isLeadershipRefusal(error) {
                        queriesSent += 1
                        return .leadershipLost("its lease renewal was refused: \(error.message)")
                    }
                } else {
                    try connection.query("select parley.daemon_heartbeat($1, $2, $3, $4, $5, $6)", record)
                    queriesSent += 1
                }
                logger.debug("heartbeat as \(role.rawValue); \(queriesSent) statements sent so far")
                return .heartbeatRecorded
            }
        case .plan(let token):
            return onSession { try plan(token: token, on: $0) }
        case let .recordPlan(took, alertsCreated):
            return onSession { connection in
                try connection.query("select parley.daemon_plan_finished($1, make_interval(secs => $2), $3)",
                                     [instanceID, DaemonStateMachine.seconds(took), alertsCreated])
                queriesSent += 1
                return .planRecorded
            }
        case .countPendingDeliveries:
            return onSession { connection in
                let pending: Int = try connection.query(
                    "select (pending_due + pending_later)::int as pending from parley.alert_status")[0].decode("pending")
                queriesSent += 1
                return .pendingDeliveriesCounted(pending)
            }
        case .describeLockHolders:
            return onSession { connection in
                .lockHoldersDescribed((try? describeLockHolders(on: connection)) ?? "another transaction")
            }
        case .readSettings(let file):
            do {
                let reload = try DaemonSettings.reload(
                    over: baseEnvironment, file: file, processEnvironment: ProcessInfo.processInfo.environment)
                return .settingsRead(reload.settings, libpqEnvironment: reload.libpqEnvironment)
            } catch {
                return .settingsRefused("\(error)")
            }
        case .deregister(let token):
            if let connection {
                if let token { _ = try? connection.query("select parley.daemon_resign_leadership($1)", [token]) }
                _ = try? connection.query("select parley.daemon_stopped($1)", [instanceID])
            }
            return .deregistered
        case .wait(let until):
            return wait(until: until)
        case .exit:
            preconditionFailure("the loop ends on exit before performing it")
        }
    }

    private func connect(_ databaseURL: String?) -> DaemonStateMachine.Event {
        do {
            // A host that does not answer must not hang the loop (and starve the watchdog) for long; libpq reads
            // this default from the environment unless the connection string sets connect_timeout.
            try systemCall("setenv") { setenv("PGCONNECT_TIMEOUT", "10", 0) }
            queriesSent += 1
            var environment = ProcessInfo.processInfo.environment
            environment["PARLEY_DATABASE_URL"] = databaseURL
            connection = try Database.connect(
                applicationName: "parleyd", environment: environment, defaults: Self.connectionDefaults)
            return .connected
        } catch let error as PQError {
            return .connectFailed(error.serverMessage)
        } catch {
            let report = ErrorReport(error)
            return .fatal("cannot start: \(report.message)", exitStatus: report.exitStatus)
        }
    }

    /// Plans as the leader of epoch `token`, and says what the plan did.
    ///
    /// The plan proves the leadership in its own transaction (`plan_alerts_as_leader`): when another instance was
    /// elected meanwhile, or the lease lapsed, the database refuses it and nothing is planned. A lock held by
    /// another transaction makes the plan wait at most `lockTimeout`; the machine then says in the status what it
    /// waits for and tries again a little later.
    private func plan(token: Int64, on connection: Connection) throws -> DaemonStateMachine.Event {
        let row: Row
        do {
            // The time to the next alert is measured at the end of the plan (clock_timestamp), not from the start
            // of its transaction (now()), so that a long plan does not make every wake-up late.
            row = try watched {
                try connection.query(
                    """
                    select p.alerts_created, p.alerts_cancelled, p.deliveries_created, p.subjects_planned,
                           extract(epoch from p.next_alert_at - clock_timestamp())::float8 as seconds_to_next,
                           extract(epoch from p.lease_expires_at - statement_timestamp())::float8 as lease_seconds
                      from parley.plan_alerts_as_leader($1, now()) p
                    """, [token])[0]
            }
            queriesSent += 1
        } catch let error as PQError where error.sqlState == .lockNotAvailable {
            queriesSent += 1
            return .planBlockedByLock
        } catch let error as PQError where Self.isLeadershipRefusal(error) {
            queriesSent += 1
            return .leadershipLost("its plan was refused: \(error.message)")
        }
        return .planned(DaemonStateMachine.PlanOutcome(
            alertsCreated: try row.decode("alerts_created"), alertsCancelled: try row.decode("alerts_cancelled"),
            deliveriesCreated: try row.decode("deliveries_created"), secondsToNextAlert: try row.decode("seconds_to_next"),
            leaseSeconds: try row.decode("lease_seconds")))
    }

    /// The database's refusal of a lease that is no longer this session's (`parley_data.require_leadership`).
    static func isLeadershipRefusal(_ error: PQError) -> Bool {
        error.sqlState == .objectNotInPrerequisiteState && error.constraint == "daemon_leadership_current"
    }

    /// The sessions holding locks on Parley's tables: what a blocked plan waits for.
    private func describeLockHolders(on connection: Connection) throws -> String {
        let holders = try connection.query(
            """
            select distinct l.pid, a.application_name,
                   extract(epoch from now() - a.xact_start)::int as open_seconds
              from pg_locks l
              join pg_class c on c.oid = l.relation
              join pg_namespace n on n.oid = c.relnamespace
              left join pg_stat_activity a on a.pid = l.pid
             where n.nspname = 'parley_data' and l.granted and l.pid <> pg_backend_pid()
               and l.mode in ('RowExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
             order by open_seconds desc nulls last
             limit 3
            """)
        queriesSent += 1
        let parts = try holders.map { row -> String in
            let holderPID: Int = try row.decode("pid")
            // Another login's transaction start is visible only with pg_read_all_stats.
            let seconds: Int? = try row.decode("open_seconds")
            let application: String? = try row.decode("application_name")
            let name = application.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
            return "pid \(holderPID)\(name), " + (seconds.map { "transaction open \($0) s" } ?? "transaction open for an unknown time")
        }
        return parts.isEmpty ? "another transaction" : parts.joined(separator: "; ")
    }

    /// Sleeps in `poll()` on the session (when there is one) and the signal pipe until `until`, a notification or
    /// a signal.
    private func wait(until: DaemonStateMachine.Moment) -> DaemonStateMachine.Event {
        let timeout = max(.zero, until - now())
        // A real sleep (not a short poll between steps): give back the memory the last plan used.
        if timeout >= .seconds(1) { IdleMemory.release() }
        do {
            var notified = false
            if let connection {
                do {
                    let woken = try connection.waitForNotifications(timeout: timeout, alsoWakeOn: signals.readDescriptor)
                    notified = !woken.notifications.isEmpty
                } catch {
                    return Self.sessionFailure(error, on: connection)
                }
            } else {
                var descriptor = pollfd(fd: signals.readDescriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(clamping: Int64((timeout / .milliseconds(1)).rounded(.up)))
                try systemCall("poll") { poll(&descriptor, 1, max(milliseconds, 1)) }
            }
            return .woke(notified: notified, signals: try signals.drain())
        } catch {
            // The daemon's own pipe failed: nothing sensible is left to do; systemd restarts it.
            let report = ErrorReport(error)
            return .fatal("cannot wait for signals: \(report.message)", exitStatus: report.exitStatus)
        }
    }

    /// Runs a command on the session and reports how it failed, if it did.
    private func onSession(_ body: (Connection) throws -> DaemonStateMachine.Event) -> DaemonStateMachine.Event {
        guard let connection else { preconditionFailure("a session command without a session") }
        do {
            return try body(connection)
        } catch {
            return Self.sessionFailure(error, on: connection)
        }
    }

    private static func sessionFailure(_ error: any Error, on connection: Connection) -> DaemonStateMachine.Event {
        switch error {
        case let error as PQError where error.kind == .connectionLost || !connection.isConnected:
            return .failed(.connectionLost(error.serverMessage))
        case let error as MigrationError:
            return .failed(.schemaMismatch("\(error)"))
        case let error as PQError:
            return .failed(.statementFailed(error.serverMessage))
        default:
            return .failed(.statementFailed("\(error)"))
        }
    }

    /// TCP keepalives and a user timeout, so that a connection whose network vanished is noticed within about a
    /// minute (by this client; the server's side is set per session), instead of the operating system's two hours.
    /// Leadership does not wait for them: the lease lapses on its own. A connection string may override them.
    static let connectionDefaults = [
        "keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10", "keepalives_count": "3",
        "tcp_user_timeout": "60000",
    ]

    /// Runs a statement while the statement watch keeps the watchdog informed (the loop cannot ping meanwhile).
    private func watched<Result>(_ body: () throws -> Result) rethrows -> Result {
        statementWatch?.begin()
        defer { statementWatch?.end() }
        return try body()
    }
}
