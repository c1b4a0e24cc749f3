import Foundation
import Logging
import PQ

#if canImport(Glibc)
import Glibc
#endif

/// parleyd: keeps alert planning current.
///
/// One synchronous loop around `poll()`: it sleeps on the database socket and the signal pipe until a change
/// notification, the moment the next alert falls due, a heartbeat, a watchdog ping or a signal — never polling.
/// One instance leads (PostgreSQL advisory lock) and plans; others stand by and try for the lock every few
/// seconds. A lost connection is retried with capped, jittered backoff, followed by a full plan.
public final class Daemon {
    public enum Role: String, Sendable {
        case leader, standby
    }

    /// Why `run()` ended, as an exit status.
    public enum Exit: Int32 {
        case stopped = 0
        case configuration = 78
        case software = 70
    }

    private let instanceID = UUID()
    private let host = ProcessInfo.processInfo.hostName
    private let pid = getpid()
    private var settings: DaemonSettings
    private let baseEnvironment: [String: String]
    private let notifier: SystemdNotifier
    private let signals: SignalPipe
    private let migrator: Migrator
    private var logger: Logger
    private let clock = ContinuousClock()

    private let watchdogInterval: Duration?
    private var lastWatchdogPing: ContinuousClock.Instant
    private var readySent = false
    private var stopRequested = false
    private var role = Role.standby
    private var nextHeartbeat: ContinuousClock.Instant
    private var waitingFor: String?
    /// The pending deliveries the STATUS line shows. Counting them reads every pending delivery through
    /// alert_status's row-level security — about a second at a million commitments — so the count is not taken
    /// after every plan that creates alerts, where it would hold up the alert of the next change (BENCHMARKS.md,
    /// figure 3), but on becoming leader, then with the heartbeat after plans have changed it, and at least every
    /// `pendingRecountInterval` (the mailer's sends lower it without the daemon's knowing).
    private var pendingDeliveries = 0
    private var pendingDeliveriesUnknown = true
    private var pendingDeliveriesStale = false
    private var pendingCountedAt: ContinuousClock.Instant
    private static let pendingRecountInterval = Duration.seconds(300)
    /// When the next alert falls due, as the last plan said (nil: none scheduled).
    private var nextAlertAt: ContinuousClock.Instant?
    private var sessionHealthy = false
    private var lastFailure: String?
    /// Pings the watchdog while a long statement (a full plan of a large database) keeps the loop busy.
    private let statementWatch: StatementWatchdog?

    /// Counts every statement sent, for the idle-cost measurement (`PARLEY_LOG_LEVEL=debug` logs it with each
    /// heartbeat).
    private var queriesSent = 0

    /// - Parameters:
    ///   - settings: the settings read at start.
    ///   - environment: the process environment; a reload overlays the environment file on it.
    public init(settings: DaemonSettings, environment: [String: String], migrator: Migrator) throws {
        self.settings = settings
        self.baseEnvironment = environment
        self.notifier = SystemdNotifier(environment: environment)
        self.signals = try SignalPipe()
        self.migrator = migrator
        self.watchdogInterval = SystemdNotifier.watchdogInterval(environment: environment)
        self.statementWatch = SystemdNotifier.watchdogInterval(environment: environment).map {
            StatementWatchdog(notifier: SystemdNotifier(environment: environment), interval: $0,
                              limit: settings.statementTimeout + .seconds(30))
        }
        var logger = Logger(label: "parleyd") { JournaldLogHandler(label: $0, level: settings.logLevel) }
        logger.logLevel = settings.logLevel
        self.logger = logger
        lastWatchdogPing = clock.now
        nextHeartbeat = clock.now
        pendingCountedAt = clock.now
    }

    /// Runs until SIGTERM or SIGINT (exit 0), or a configuration problem such as a schema this build does not
    /// match (exit 78).
    public func run() -> Exit {
        logger.info("parleyd \(ParleyVersion.current) starting (instance \(instanceID.uuidString.lowercased()), pid \(pid))")
        var backoff = Backoff(cap: settings.reconnectCap)
        var outageStarted: ContinuousClock.Instant?
        var everConnected = false

        while !stopRequested {
            let connection: Connection
            do {
                connection = try connect()
            } catch let error as PQError {
                if outageStarted == nil {
                    outageStarted = clock.now
                    logger.warning("cannot reach the database: \(error.serverMessage); retrying with backoff up to \(settings.reconnectCap)")
                    status(everConnected ? "reconnecting to the database" : "waiting for the database")
                }
                sleep(for: backoff.nextDelay())
                continue
            } catch let error as MigrationError {
                logger.error("\(error)")
                return stop(.configuration)
            } catch {
                logger.error("cannot start: \(error)")
                return stop(.configuration)
            }
            if let started = outageStarted {
                logger.info("connected to the database again after \(Self.seconds(clock.now - started)) s")
                outageStarted = nil
            } else if !everConnected {
                logger.info("connected to the database")
            }
            everConnected = true

            do {
                // The backoff starts over only once the session has done its work (a plan, or a standby's
                // heartbeat): a failure that recurs right after connecting keeps backing off.
                sessionHealthy = false
                defer { if sessionHealthy { backoff.reset() } }
                try serve(on: connection)
            } catch let error as PQError where error.kind == .connectionLost || !connection.isConnected {
                logger.warning("lost the database connection: \(error.serverMessage); reconnecting")
                outageStarted = clock.now
                role = .standby
                status("reconnecting to the database")
            } catch let error as ReloadNeedsReconnect {
                logger.info("\(error.reason); reconnecting")
                role = .standby
            } catch let error as MigrationError {
                logger.error("\(error)")
                return stop(.configuration)
            } catch {
                // A failing statement (a bug, a broken function, a missing privilege): say so once, and start over
                // on a fresh session after a growing delay.
                let message = Self.describe(error)
                if message != lastFailure {
                    logger.error("planning failed: \(message); starting over with backoff up to \(settings.reconnectCap)")
                    lastFailure = message
                } else {
                    logger.debug("planning failed again: \(message)")
                }
                role = .standby
                sleep(for: backoff.nextDelay())
            }
            connection.close()
        }
        return stop(.stopped)
    }

    // MARK: - One session

    /// Works on one connection until a stop is requested (returns) or the connection fails (throws).
    private func serve(on connection: Connection) throws {
        try watched { try migrator.requireCurrentSchema(on: connection) }
        queriesSent += 2 + migrator.migrations.count
        // A lock held by another transaction delays a plan by lockTimeout at most; a statement that runs away is
        // cancelled after statementTimeout; a peer that vanished from the network is noticed within about a
        // minute on the server's side too (the client's side is set when connecting).
        try connection.query(
            """
            select set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false),
                   set_config('tcp_keepalives_idle', '30', false), set_config('tcp_keepalives_interval', '10', false),
                   set_config('tcp_keepalives_count', '3', false)
            """,
            ["\(settings.lockTimeout.components.seconds)s", "\(settings.statementTimeout.components.seconds)s"])
        queriesSent += 1
        nextHeartbeat = clock.now

        while !stopRequested {
            switch role {
            case .standby:
                let acquired: Bool = try connection.query("select pg_try_advisory_lock($1) as acquired",
                                                          [AdvisoryLock.daemonLeader])[0].decode("acquired")
                queriesSent += 1
                if acquired {
                    try becomeLeader(on: connection)
                    continue
                }
                if !readySent || nextHeartbeat <= clock.now {
                    try heartbeat(on: connection)
                }
                sessionHealthy = true
                ready("standby: another instance leads; checking every \(settings.standbyCheckInterval)")
                try waitForEvents(on: connection, until: min(clock.now + settings.standbyCheckInterval, nextHeartbeat))
            case .leader:
                try lead(on: connection)
            }
        }
        _ = try? connection.query("select parley.daemon_stopped($1)", [instanceID])
    }

    private func becomeLeader(on connection: Connection) throws {
        role = .leader
        pendingDeliveriesUnknown = true
        logger.info("leading: this instance plans the alerts")
        try connection.listen(PlanChannel.name)
        queriesSent += 1
        try heartbeat(on: connection)
    }

    /// The leader's loop: plan fully once, then plan what changed whenever notified or when the next alert falls
    /// due, and sleep in between.
    private func lead(on connection: Connection) throws {
        // With nothing scheduled, the leader still wakes daily: cheap insurance against a missed notification.
        // A wake-up never comes sooner than 100 ms: a schedule that says "now" again right after a plan must not
        // turn the loop into a spin.
        func wakeAt(_ next: Duration?) -> ContinuousClock.Instant {
            clock.now + max(.milliseconds(100), next ?? .seconds(86_400))
        }
        var wake = wakeAt(try plan(on: connection))
        ready("leader")
        while !stopRequested && role == .leader {
            let woken = try waitForEvents(on: connection, until: min(wake, nextHeartbeat))
            if stopRequested { return }
            if !woken.isEmpty || clock.now >= wake {
                // One plan handles what changed (notifications that arrived in a burst, together) and what fell
                // due; both are found through indexes, so a plan with nothing to do costs two index probes.
                wake = wakeAt(try plan(on: connection))
            }
            if clock.now >= nextHeartbeat {
                try heartbeat(on: connection)
                if waitingFor == nil
                    && (pendingDeliveriesStale || clock.now - pendingCountedAt >= Self.pendingRecountInterval) {
                    try countPendingDeliveries(on: connection)
                    leaderStatus()
                }
            }
        }
    }

    private func countPendingDeliveries(on connection: Connection) throws {
        pendingDeliveries = try connection.query(
            "select (pending_due + pending_later)::int as pending from parley.alert_status")[0].decode("pending")
        queriesSent += 1
        pendingDeliveriesUnknown = false
        pendingDeliveriesStale = false
        pendingCountedAt = clock.now
    }

    /// The leader's STATUS= line: deliveries pending and when the next alert falls due, from now.
    private func leaderStatus() {
        let next = nextAlertAt.map { at -> String in
            let seconds = (at - clock.now) / .seconds(1)
            return seconds <= 0 ? "next alert due now" : "next alert in \(Int(seconds.rounded(.up))) s"
        } ?? "no alert scheduled"
        status("leader: \(pendingDeliveries) deliveries pending; \(next)")
    }

    /// Plans, records the plan, and returns how long until the next alert falls due (nil: nothing scheduled).
    ///
    /// A lock held by another transaction makes the plan wait at most `lockTimeout`; then the daemon says in its
    /// status what it waits for and tries again a few seconds later.
    private func plan(on connection: Connection) throws -> Duration? {
        let started = clock.now
        let row: Row
        do {
            // The time to the next alert is measured at the end of the plan (clock_timestamp), not from the
            // start of its transaction (now()), so that a long plan does not make every wake-up late.
            row = try watched {
                try connection.query(
                    """
                    select p.alerts_created, p.alerts_cancelled, p.deliveries_created, p.subjects_planned,
                           extract(epoch from p.next_alert_at - clock_timestamp())::float8 as seconds_to_next
                      from parley.plan_alerts(now()) p
                    """)[0]
            }
            queriesSent += 1
        } catch let error as PQError where error.sqlState == .lockNotAvailable {
            queriesSent += 1
            let blockers = (try? describeLockHolders(on: connection)) ?? "another transaction"
            if waitingFor == nil {
                logger.warning("planning waits for a lock held by \(blockers); trying again shortly")
            }
            waitingFor = "a lock held by \(blockers)"
            status("leader: waiting for \(waitingFor!)")
            try heartbeat(on: connection)
            return settings.lockTimeout
        }
        if waitingFor != nil {
            logger.info("the lock was released; planning again")
            waitingFor = nil
            try heartbeat(on: connection)
        }
        let created: Int = try row.decode("alerts_created")
        let cancelled: Int = try row.decode("alerts_cancelled")
        let deliveries: Int = try row.decode("deliveries_created")
        let seconds: Double? = try row.decode("seconds_to_next")
        let took = clock.now - started
        sessionHealthy = true
        lastFailure = nil
        if created > 0 || cancelled > 0 || pendingDeliveriesUnknown {
            try connection.query("select parley.daemon_plan_finished($1, make_interval(secs => $2), $3)",
                                 [instanceID, Self.seconds(took), created])
            queriesSent += 1
        }
        if created > 0 || cancelled > 0 {
            logger.info("planned \(created) alert(s) with \(deliveries) delivery(ies), cancelled \(cancelled), in \(Self.milliseconds(took)) ms")
        } else {
            logger.debug("planned nothing new in \(Self.milliseconds(took)) ms")
        }
        if created > 0 || cancelled > 0 || deliveries > 0 {
            pendingDeliveriesStale = true
        }
        if pendingDeliveriesUnknown {
            try countPendingDeliveries(on: connection)
        }
        nextAlertAt = seconds.map { clock.now + .milliseconds(Int64(max(0, $0) * 1000)) }
        leaderStatus()
        return seconds.map { .milliseconds(Int64(max(0, $0) * 1000) + 1) }
    }

    private func heartbeat(on connection: Connection) throws {
        try connection.query(
            "select parley.daemon_heartbeat($1, $2, $3, $4, $5, $6)",
            [instanceID, host, Int(pid), ParleyVersion.current, role.rawValue, waitingFor])
        queriesSent += 1
        nextHeartbeat = clock.now + settings.heartbeatInterval
        logger.debug("heartbeat as \(role.rawValue); \(queriesSent) statements sent so far")
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
            let name = (application?.isEmpty == false) ? " (\(application!))" : ""
            return "pid \(holderPID)\(name), " + (seconds.map { "transaction open \($0) s" } ?? "transaction open for an unknown time")
        }
        return parts.isEmpty ? "another transaction" : parts.joined(separator: "; ")
    }

    // MARK: - Waiting

    /// Sleeps in `poll()` until `deadline`, a notification or a signal, pinging the watchdog on the way.
    ///
    /// - Returns: the notifications received (empty on timeout or signal).
    @discardableResult
    private func waitForEvents(on connection: Connection, until deadline: ContinuousClock.Instant) throws -> [PQNotification] {
        while true {
            pingWatchdogIfDue()
            handleSignals()
            if stopRequested { return [] }
            if let reason = pendingReconnect {
                pendingReconnect = nil
                throw ReloadNeedsReconnect(reason: reason)
            }
            let now = clock.now
            if now >= deadline { return [] }
            let wake = min(deadline, nextWatchdogPing ?? deadline)
            let woken = try connection.waitForNotifications(timeout: wake - now, alsoWakeOn: signals.readDescriptor)
            if !woken.notifications.isEmpty {
                return woken.notifications
            }
        }
    }

    /// Sleeps without a connection (between reconnect attempts), still answering signals and the watchdog.
    private func sleep(for duration: Duration) {
        let deadline = clock.now + duration
        while !stopRequested {
            pingWatchdogIfDue()
            handleSignals()
            let now = clock.now
            if now >= deadline || stopRequested { return }
            let wake = min(deadline, nextWatchdogPing ?? deadline)
            var descriptor = pollfd(fd: signals.readDescriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: Int64(((wake - now) / .milliseconds(1)).rounded(.up)))
            _ = poll(&descriptor, 1, max(milliseconds, 1))
        }
    }

    private var nextWatchdogPing: ContinuousClock.Instant? {
        watchdogInterval.map { lastWatchdogPing + $0 }
    }

    /// The loop is alive while it gets here, connected or not: waiting for the database is healthy.
    private func pingWatchdogIfDue() {
        guard let next = nextWatchdogPing, clock.now >= next else { return }
        notifier.notify("WATCHDOG=1")
        lastWatchdogPing = clock.now
    }

    // MARK: - Signals

    private func handleSignals() {
        for event in signals.drain() {
            switch event {
            case .stop(let signal):
                if !stopRequested {
                    logger.info("stopping on signal \(signal)")
                    notifier.notify("STOPPING=1")
                }
                stopRequested = true
            case .reload:
                reload()
            }
        }
    }

    /// SIGHUP: re-reads the environment file over the process environment and applies the new settings.
    private func reload() {
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())")
        do {
            let environment = try EnvironmentFile.overlay(baseEnvironment, withFileAt: settings.environmentFile)
            let reloaded = try DaemonSettings.load(from: environment)
            // A connection string libpq cannot parse would make the next connect a configuration error, and the
            // unit does not restart parleyd after one (exit 78): refused here, the working settings stay.
            if let url = reloaded.databaseURL {
                do {
                    try Connection.checkSyntax(of: url)
                } catch let error as PQError where error.kind == .invalidConnectionString {
                    throw Database.configurationError(error, urlSet: true)
                }
            }
            // libpq reads PG* variables from the process environment: a changed one applies to the next connection.
            var libpqChanged = false
            for (key, value) in environment where key.hasPrefix("PG") && ProcessInfo.processInfo.environment[key] != value {
                setenv(key, value, 1)
                libpqChanged = true
            }
            let sessionChanged = libpqChanged || reloaded.databaseURL != settings.databaseURL
                || reloaded.lockTimeout != settings.lockTimeout || reloaded.statementTimeout != settings.statementTimeout
            settings = reloaded
            logger.logLevel = reloaded.logLevel
            logger.info("reloaded settings\(sessionChanged ? "; the database session changes" : "")")
            if sessionChanged { pendingReconnect = "the database settings changed" }
        } catch {
            logger.error("reload failed, keeping the current settings: \(error)")
        }
        // Before its first plan the daemon is still starting: READY comes then, not now.
        if readySent { notifier.notify("READY=1") }
    }

    private var pendingReconnect: String?

    private struct ReloadNeedsReconnect: Error {
        let reason: String
    }

    // MARK: - Helpers

    private func connect() throws -> Connection {
        // A host that does not answer must not hang the loop (and starve the watchdog) for long; libpq reads
        // this default from the environment unless the connection string sets connect_timeout.
        setenv("PGCONNECT_TIMEOUT", "10", 0)
        queriesSent += 1
        var environment = ProcessInfo.processInfo.environment
        environment["PARLEY_DATABASE_URL"] = settings.databaseURL
        return try Database.connect(applicationName: "parleyd", environment: environment, defaults: Self.connectionDefaults)
    }

    private func ready(_ text: String) {
        if !readySent {
            notifier.notify("READY=1\nSTATUS=\(text)")
            readySent = true
        }
    }

    private func status(_ text: String) {
        notifier.notify("STATUS=\(text)")
    }

    private func stop(_ exit: Exit) -> Exit {
        logger.info("stopped")
        return exit
    }

    /// TCP keepalives and a user timeout, so that a leader whose network vanished is noticed within about a
    /// minute (by this client; the server's side is set per session), instead of the operating system's two hours
    /// during which its advisory lock would keep every standby waiting. A connection string may override them.
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

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int((seconds(duration) * 1000).rounded())
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PQError { return error.serverMessage }
        return "\(error)"
    }
}
