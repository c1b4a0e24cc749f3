import Logging

/// parleyd's decisions — when to connect, try for leadership, plan, heartbeat, ping the watchdog, stand by, back
/// off, reconnect, reload and stop — without PostgreSQL, a clock or a system call: events in, a step out.
///
/// `Daemon` performs each step (its effects, then its one command) and feeds what came of the command back as the
/// next event, with the time it happened. Time is a value: `Moment`, the monotonic time since the daemon started.
/// So every decision can be tested by feeding events (`DaemonStateMachineTests`), as postgres-nio tests its
/// `ConnectionStateMachine`.
///
/// The machine is in one of four phases: waiting to connect (at once, or after a backoff), connecting, in a
/// session (standing by or leading), or stopped. After each event it picks the next command from what it knows,
/// first things first: a stop, a reload, a reconnect the settings asked for; then, in a session, setting it up;
/// a standby tries for the leadership lease every `standbyCheckInterval` and heartbeats; a leader listens, plans
/// when notified or when the next alert falls due, records and counts, heartbeats (renewing its lease) — and
/// otherwise sleeps until the earliest of those moments and the watchdog's. A leader whose lease the database
/// refuses, or whose lease lapsed by its own clock, closes its session and rejoins as a standby.
struct DaemonStateMachine: Sendable {
    /// Monotonic time since the daemon started.
    typealias Moment = Duration

    /// The role an instance records in `daemon_status`.
    enum Role: String, Equatable, Sendable, CaseIterable {
        case leader, standby
    }

    enum Phase: Equatable, Sendable {
        /// No session; connect at `retryAt` (at once, or after a backoff).
        case disconnected(retryAt: Moment)
        case connecting
        case session(Session)
        case stopped(exitStatus: Int32)
    }

    /// One database session.
    struct Session: Equatable, Sendable {
        enum Standing: Equatable, Sendable {
            /// Another instance leads; try for the lease at `nextAttempt`.
            case standby(nextAttempt: Moment)
            case leader(Leadership)
        }

        /// The schema is checked and the timeouts set.
        var prepared = false
        /// The session has done its work once (a plan, or a standby's wait): the backoff may start over after it.
        var healthy = false
        var nextHeartbeat: Moment
        var standing: Standing
        /// The settings changed what a session is (reload): reconnect, for this reason.
        var reconnectReason: String?
    }

    private(set) var settings: DaemonSettings
    private(set) var phase: Phase = .disconnected(retryAt: .zero)
    private(set) var readySent = false
    private(set) var stopRequested = false
    private var reloadRequested = false
    private let watchdogInterval: Duration?
    private var lastWatchdogPing: Moment = .zero
    private var backoff: Backoff
    private var everConnected = false
    private var outageStartedAt: Moment?
    /// The last failure logged, so that one that repeats is logged once.
    private var lastFailure: String?
    /// The last STATUS line sent.
    private var lastStatus: String?
    /// When the command whose outcome comes next was decided: a lease renewed by it runs from then.
    private var commandSentAt: Moment = .zero

    /// - Parameters:
    ///   - settings: the settings read at start.
    ///   - watchdogInterval: how often systemd expects `WATCHDOG=1`; nil when it does not.
    ///   - jitterSeed: seeds the backoff's jitter.
    init(settings: DaemonSettings, watchdogInterval: Duration?, jitterSeed: UInt64) {
        self.settings = settings
        self.watchdogInterval = watchdogInterval
        self.backoff = Backoff(cap: settings.reconnectCap, seed: jitterSeed)
    }

    /// The first step: connect.
    mutating func start(at now: Moment) -> Step {
        lastWatchdogPing = now
        phase = .disconnected(retryAt: now)
        var effects: [Effect] = []
        let command = nextCommand(at: now, &effects)
        commandSentAt = now
        return Step(effects: effects, command: command)
    }

    /// Takes in what came of the last command and says what to do next.
    mutating func handle(_ event: Event, at now: Moment) -> Step {
        var effects: [Effect] = []
        pingWatchdogIfDue(at: now, &effects)
        switch event {
        case .connected:
            connected(at: now, &effects)
        case .connectFailed(let message):
            connectFailed(message, at: now, &effects)
        case .fatal(let message, let exitStatus):
            effects.append(.log(.error, message))
            finish(exitStatus, &effects)
        case .sessionPrepared:
            updateSession { $0.prepared = true }
        case .leadershipAcquired(let token):
            effects.append(.log(.info, "leading: this instance plans the alerts (lease epoch \(token) for \(settings.leaseDuration), renewed with each heartbeat)"))
            let leaseEndsAt = commandSentAt + settings.leaseDuration
            updateSession { $0.standing = .leader(Leadership(token: token, leaseEndsAt: leaseEndsAt, at: now)) }
        case .leadershipLost(let message):
            rejoinAsStandby("lost the leadership: \(message)", at: now, &effects)
        case .leadershipHeldElsewhere:
            let next = now + settings.standbyCheckInterval
            updateSession { $0.standing = .standby(nextAttempt: next) }
        case .listening:
            updateLeadership { $0.listening = true }
        case .heartbeatRecorded:
            heartbeatRecorded(at: now)
        case .planned(let outcome):
            planned(outcome, at: now, &effects)
        case .planBlockedByLock:
            let lockTimeout = settings.lockTimeout
            updateLeadership {
                $0.planDueAt = now + max(.milliseconds(100), lockTimeout)
                $0.lockHoldersWanted = true
            }
        case .lockHoldersDescribed(let holders):
            updateLeadership { leadership in
                if leadership.waitingFor == nil {
                    effects.append(.log(.warning, "planning waits for a lock held by \(holders); trying again shortly"))
                }
                leadership.lockHoldersWanted = false
                leadership.waitingFor = "a lock held by \(holders)"
                leadership.statusChanged = true
                leadership.heartbeatNow = true
            }
        case .planRecorded:
            updateLeadership { $0.planToRecord = nil }
        case .pendingDeliveriesCounted(let count):
            updateLeadership {
                $0.pendingDeliveries = PendingDeliveries(count: count, known: true, stale: false, countedAt: now, countWanted: false)
                $0.statusChanged = true
            }
        case let .settingsRead(reloaded, libpqEnvironment):
            applySettings(reloaded, libpqEnvironment: libpqEnvironment, &effects)
        case .settingsRefused(let message):
            reloadRequested = false
            effects.append(.log(.error, "reload failed, keeping the current settings: \(message)"))
            if readySent { effects.append(.notify(.reloaded)) }
        case .deregistered:
            finish(Sysexits.ok, &effects)
        case let .woke(notified, signals):
            if notified { updateLeadership { $0.notified = true } }
            for signal in signals { received(signal, &effects) }
        case .failed(let failure):
            failed(failure, at: now, &effects)
        }
        let command = nextCommand(at: now, &effects)
        commandSentAt = now
        return Step(effects: effects, command: command)
    }

    // MARK: - Deciding

    /// The next command, from what the machine knows now.
    private mutating func nextCommand(at now: Moment, _ effects: inout [Effect]) -> Command {
        switch phase {
        case .stopped(let exitStatus):
            return .exit(exitStatus)
        case .connecting:
            preconditionFailure("a connect is in flight: nothing else is decided until it ends")
        case .disconnected(let retryAt):
            if stopRequested {
                finish(Sysexits.ok, &effects)
                return nextCommand(at: now, &effects)
            }
            if reloadRequested { return .readSettings(environmentFile: settings.environmentFile) }
            if now >= retryAt {
                phase = .connecting
                return .connect(databaseURL: settings.databaseURL)
            }
            return .wait(until: wakeUp(at: retryAt))
        case .session(var session):
            if stopRequested {
                guard session.prepared else {
                    finish(Sysexits.ok, &effects)
                    return nextCommand(at: now, &effects)
                }
                if case .leader(let leadership) = session.standing { return .deregister(resigning: leadership.token) }
                return .deregister(resigning: nil)
            }
            if reloadRequested { return .readSettings(environmentFile: settings.environmentFile) }
            if let reason = session.reconnectReason {
                effects.append(.log(.info, "\(reason); reconnecting"))
                endSession(&effects)
                phase = .disconnected(retryAt: now)
                return nextCommand(at: now, &effects)
            }
            if !session.prepared {
                return .prepareSession(lockTimeout: settings.lockTimeout, statementTimeout: settings.statementTimeout)
            }
            if case .leader(let leadership) = session.standing, now >= leadership.leaseEndsAt {
                // Frozen (or held up) past its lease: another instance may lead by now. Rather than plan on a lease
                // it cannot vouch for (the database would refuse the plan anyway), it starts over as a standby.
                let silent = Self.seconds(now - leadership.leaseEndsAt + settings.leaseDuration)
                rejoinAsStandby(
                    "lost the leadership: the lease of epoch \(leadership.token) lapsed by this instance's clock "
                        + "(last renewed \(Self.rounded(silent)) s ago, the lease is \(settings.leaseDuration); "
                        + "the process was stopped or its statements were held up)",
                    at: now, &effects)
                return nextCommand(at: now, &effects)
            }
            let command: Command
            switch session.standing {
            case .standby(let nextAttempt):
                command = standbyCommand(&session, nextAttempt: nextAttempt, at: now, &effects)
            case .leader(var leadership):
                command = leaderCommand(&session, &leadership, at: now, &effects)
                session.standing = .leader(leadership)
            }
            phase = .session(session)
            return command
        }
    }

    /// A standby tries for the lease every `standbyCheckInterval` and heartbeats; in between it sleeps.
    private mutating func standbyCommand(
        _ session: inout Session, nextAttempt: Moment, at now: Moment, _ effects: inout [Effect]
    ) -> Command {
        if now >= nextAttempt { return .tryLeadership(lease: settings.leaseDuration) }
        if now >= session.nextHeartbeat { return .heartbeat(.standby, waitingFor: nil, renewing: nil) }
        session.healthy = true
        announce("standby: another instance leads; checking every \(settings.standbyCheckInterval)", &effects)
        return .wait(until: wakeUp(at: min(nextAttempt, session.nextHeartbeat)))
    }

    /// A leader listens, heartbeats at once when its standing changed, plans when notified or when the next alert
    /// falls due, records and counts, heartbeats; in between it sleeps.
    private mutating func leaderCommand(
        _ session: inout Session, _ leadership: inout Leadership, at now: Moment, _ effects: inout [Effect]
    ) -> Command {
        let heartbeat = Command.heartbeat(.leader, waitingFor: leadership.waitingFor,
                                          renewing: Lease(token: leadership.token, duration: settings.leaseDuration))
        if !leadership.listening { return .listen }
        if leadership.lockHoldersWanted { return .describeLockHolders }
        if leadership.heartbeatNow { return heartbeat }
        // One plan handles what changed (notifications that arrived in a burst, together) and what fell due.
        if leadership.notified || now >= leadership.planDueAt {
            leadership.notified = false
            leadership.planSentAt = now
            return .plan(token: leadership.token)
        }
        if let record = leadership.planToRecord {
            return .recordPlan(took: record.took, alertsCreated: record.alertsCreated)
        }
        if leadership.pendingDeliveries.countWanted { return .countPendingDeliveries }
        if now >= session.nextHeartbeat { return heartbeat }
        if !readySent || leadership.statusChanged {
            announce(leadership.statusLine(at: now), &effects)
            leadership.statusChanged = false
        }
        return .wait(until: wakeUp(at: min(leadership.planDueAt, session.nextHeartbeat)))
    }

    /// The first time: `READY=1` with the status line; then the status line when it changed.
    private mutating func announce(_ status: String, _ effects: inout [Effect]) {
        if !readySent {
            effects.append(.notify(.ready(status: status)))
            readySent = true
            lastStatus = status
        } else if status != lastStatus {
            sendStatus(status, &effects)
        }
    }

    private mutating func sendStatus(_ status: String, _ effects: inout [Effect]) {
        effects.append(.notify(.status(status)))
        lastStatus = status
    }

    /// When to wake for `moment`: then, or sooner for the watchdog.
    private func wakeUp(at moment: Moment) -> Moment {
        guard let interval = watchdogInterval else { return moment }
        return min(moment, lastWatchdogPing + interval)
    }

    // MARK: - Events

    private mutating func connected(at now: Moment, _ effects: inout [Effect]) {
        guard case .connecting = phase else { preconditionFailure("connected without a connect in flight") }
        if let started = outageStartedAt {
            effects.append(.log(.info, "connected to the database again after \(Self.seconds(now - started)) s"))
            outageStartedAt = nil
        } else if !everConnected {
            effects.append(.log(.info, "connected to the database"))
        }
        everConnected = true
        phase = .session(Session(nextHeartbeat: now, standing: .standby(nextAttempt: now)))
    }

    private mutating func connectFailed(_ message: String, at now: Moment, _ effects: inout [Effect]) {
        guard case .connecting = phase else { preconditionFailure("a connect failed that was not in flight") }
        if outageStartedAt == nil {
            outageStartedAt = now
            effects.append(.log(.warning, "cannot reach the database: \(message); retrying with backoff up to \(settings.reconnectCap)"))
            sendStatus(everConnected ? "reconnecting to the database" : "waiting for the database", &effects)
        }
        phase = .disconnected(retryAt: now + backoff.nextDelay())
    }

    private mutating func heartbeatRecorded(at now: Moment) {
        let interval = settings.heartbeatInterval
        let leaseEndsAt = commandSentAt + settings.leaseDuration
        updateSession { session in
            session.nextHeartbeat = now + interval
            guard case .leader(var leadership) = session.standing else { return }
            leadership.leaseEndsAt = leaseEndsAt
            if leadership.heartbeatNow {
                leadership.heartbeatNow = false
            } else if leadership.waitingFor == nil
                && (leadership.pendingDeliveries.stale
                    || now - leadership.pendingDeliveries.countedAt >= PendingDeliveries.recountInterval) {
                // The periodic heartbeat also brings the STATUS line's count up to date.
                leadership.pendingDeliveries.countWanted = true
            }
            session.standing = .leader(leadership)
        }
    }

    private mutating func planned(_ outcome: PlanOutcome, at now: Moment, _ effects: inout [Effect]) {
        lastFailure = nil
        // The plan renewed the lease at its end, which only the database can tell: counted from when the plan was
        // sent (the server cannot have received it earlier), a plan longer than the lease (a full plan of a large
        // database) is no lapse, and a result read late (the process was stopped meanwhile) is no renewal.
        let leaseEndsAt = commandSentAt
            + (outcome.leaseSeconds.map { .milliseconds(Int64($0 * 1000)) } ?? settings.leaseDuration)
        updateSession { $0.healthy = true }
        updateLeadership { leadership in
            leadership.leaseEndsAt = leaseEndsAt
            if leadership.waitingFor != nil {
                effects.append(.log(.info, "the lock was released; planning again"))
                leadership.waitingFor = nil
                leadership.heartbeatNow = true
            }
            let took = now - (leadership.planSentAt ?? now)
            leadership.planSentAt = nil
            let changed = outcome.alertsCreated > 0 || outcome.alertsCancelled > 0
            if changed || !leadership.pendingDeliveries.known {
                leadership.planToRecord = PlanRecord(took: took, alertsCreated: outcome.alertsCreated)
            }
            if changed {
                effects.append(.log(.info, "planned \(outcome.alertsCreated) alert(s) with \(outcome.deliveriesCreated) delivery(ies), cancelled \(outcome.alertsCancelled), in \(Self.milliseconds(took)) ms"))
            } else {
                effects.append(.log(.debug, "planned nothing new in \(Self.milliseconds(took)) ms"))
            }
            if changed || outcome.deliveriesCreated > 0 { leadership.pendingDeliveries.stale = true }
            if !leadership.pendingDeliveries.known { leadership.pendingDeliveries.countWanted = true }
            // The next plan: when the next alert falls due (1 ms after, so that it is due by then), daily when
            // nothing is scheduled (cheap insurance against a missed notification), never sooner than 100 ms (a
            // schedule that says "now" again right after a plan must not turn the loop into a spin).
            let untilNext = outcome.secondsToNextAlert.map { Duration.milliseconds(Int64(max(0, $0) * 1000)) }
            leadership.nextAlertAt = untilNext.map { now + $0 }
            leadership.planDueAt = now + max(.milliseconds(100), untilNext.map { $0 + .milliseconds(1) } ?? .seconds(86_400))
            leadership.statusChanged = true
        }
    }

    private mutating func received(_ signal: SignalPipe.Event, _ effects: inout [Effect]) {
        switch signal {
        case .stop(let number):
            if !stopRequested {
                effects.append(.log(.info, "stopping on signal \(number)"))
                effects.append(.notify(.stopping))
                stopRequested = true
            }
        case .reload:
            guard !stopRequested else { return }
            effects.append(.notify(.reloading))
            reloadRequested = true
        }
    }

    /// A reload that read usable settings: they apply now; a changed session (URL, PG* variables, timeouts)
    /// reconnects.
    private mutating func applySettings(
        _ reloaded: DaemonSettings, libpqEnvironment: [String: String], _ effects: inout [Effect]
    ) {
        reloadRequested = false
        let sessionChanged = !libpqEnvironment.isEmpty || reloaded.databaseURL != settings.databaseURL
            || reloaded.lockTimeout != settings.lockTimeout || reloaded.statementTimeout != settings.statementTimeout
        // A new lease length applies from the next renewal, which comes at once.
        if reloaded.leaseDuration != settings.leaseDuration { updateLeadership { $0.heartbeatNow = true } }
        if !libpqEnvironment.isEmpty { effects.append(.setLibpqEnvironment(libpqEnvironment)) }
        settings = reloaded
        backoff.cap = reloaded.reconnectCap
        effects.append(.setLogLevel(reloaded.logLevel))
        effects.append(.log(.info, "reloaded settings\(sessionChanged ? "; the database session changes" : "")"))
        if sessionChanged { updateSession { $0.reconnectReason = "the database settings changed" } }
        // Before its first READY the daemon is still starting: READY comes then, not now.
        if readySent { effects.append(.notify(.reloaded)) }
    }

    private mutating func failed(_ failure: SessionFailure, at now: Moment, _ effects: inout [Effect]) {
        guard case .session = phase else { preconditionFailure("a session failed while there was none") }
        switch failure {
        case .connectionLost(let message):
            effects.append(.log(.warning, "lost the database connection: \(message); reconnecting"))
            outageStartedAt = now
            sendStatus("reconnecting to the database", &effects)
            endSession(&effects)
            phase = .disconnected(retryAt: now)
        case .schemaMismatch(let message):
            effects.append(.log(.error, message))
            finish(Sysexits.config, &effects)
        case .statementFailed(let message):
            // Said once, and started over on a fresh session after a growing delay.
            if message != lastFailure {
                effects.append(.log(.error, "planning failed: \(message); starting over with backoff up to \(settings.reconnectCap)"))
                lastFailure = message
            } else {
                effects.append(.log(.debug, "planning failed again: \(message)"))
            }
            endSession(&effects)
            phase = .disconnected(retryAt: now + backoff.nextDelay())
        }
    }

    /// Closes the session and connects again at once, as a standby: LISTEN and the lease go with the old session.
    private mutating func rejoinAsStandby(_ reason: String, at now: Moment, _ effects: inout [Effect]) {
        effects.append(.log(.warning, "\(reason); rejoining as a standby"))
        endSession(&effects)
        phase = .disconnected(retryAt: now)
    }

    // MARK: - Helpers

    /// Closes the session; the caller says when to connect again. The backoff starts over only when the session
    /// had done its work: a failure that recurs right after connecting keeps backing off.
    private mutating func endSession(_ effects: inout [Effect]) {
        if case .session(let session) = phase, session.healthy { backoff.reset() }
        effects.append(.closeConnection)
        phase = .disconnected(retryAt: .zero)
    }

    private mutating func finish(_ exitStatus: Int32, _ effects: inout [Effect]) {
        if case .session = phase { effects.append(.closeConnection) }
        effects.append(.log(.info, "stopped"))
        phase = .stopped(exitStatus: exitStatus)
    }

    /// The loop is alive while it gets here, connected or not: waiting for the database is healthy.
    private mutating func pingWatchdogIfDue(at now: Moment, _ effects: inout [Effect]) {
        guard let interval = watchdogInterval, now >= lastWatchdogPing + interval else { return }
        effects.append(.notify(.watchdog))
        lastWatchdogPing = now
    }

    private mutating func updateSession(_ change: (inout Session) -> Void) {
        guard case .session(var session) = phase else { return }
        change(&session)
        phase = .session(session)
    }

    /// Changes the leadership, when this instance leads (a notification that reached a standby changes nothing).
    private mutating func updateLeadership(_ change: (inout Leadership) -> Void) {
        updateSession { session in
            guard case .leader(var leadership) = session.standing else { return }
            change(&leadership)
            session.standing = .leader(leadership)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Seconds with one decimal, for log lines.
    static func rounded(_ seconds: Double) -> String {
        String(format: "%.1f", seconds)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int((seconds(duration) * 1000).rounded())
    }
}
