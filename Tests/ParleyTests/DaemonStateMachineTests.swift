import Foundation
import Logging
@testable import Parley
import Testing

/// parleyd's decisions, fed events by hand: no PostgreSQL, no clock, no signals. Each test drives the machine as
/// the daemon's loop would — a command out, what came of it back, at a time the test chooses — and checks what the
/// daemon would do next.
@Suite struct DaemonStateMachineTests {
    typealias Machine = DaemonStateMachine
    typealias Step = DaemonStateMachine.Step

    static let settings = DaemonSettings(
        databaseURL: "dbname=parley", logLevel: .info, heartbeatInterval: .seconds(30), leaseDuration: .seconds(90),
        standbyCheckInterval: .seconds(2), reconnectCap: .seconds(8), lockTimeout: .seconds(5),
        statementTimeout: .seconds(600), environmentFile: "/etc/parley/parley.env")

    /// The lease of the leader in these tests: elected in epoch 7, renewed for 90 s.
    static let lease = Machine.Lease(token: 7, duration: .seconds(90))

    /// The leader's heartbeat, which renews its lease.
    static func leaderHeartbeat(waitingFor: String? = nil) -> Machine.Command {
        .heartbeat(.leader, waitingFor: waitingFor, renewing: lease)
    }

    static let standbyHeartbeat = Machine.Command.heartbeat(.standby, waitingFor: nil, renewing: nil)

    /// A machine and the time, driven as the daemon's loop drives it.
    struct Daemon {
        var machine: Machine
        var step: Step
        var now: Duration = .zero

        init(settings: DaemonSettings = DaemonStateMachineTests.settings, watchdog: Duration? = nil, seed: UInt64 = 1) {
            machine = Machine(settings: settings, watchdogInterval: watchdog, jitterSeed: seed)
            step = machine.start(at: .zero)
        }

        /// Feeds `event` at `time` (default: now) and returns the next step.
        @discardableResult
        mutating func feed(_ event: Machine.Event, at time: Duration? = nil) -> Step {
            if let time { now = time }
            step = machine.handle(event, at: now)
            return step
        }

        var command: Machine.Command { step.command }

        /// The sd_notify messages of the last step.
        var notified: [Machine.ServiceState] {
            step.effects.compactMap { if case .notify(let state) = $0 { return state } else { return nil } }
        }

        /// The log lines of the last step.
        var logged: [String] {
            step.effects.compactMap { if case .log(_, let line) = $0 { return line } else { return nil } }
        }

        /// Connects and prepares a session.
        mutating func connect() {
            #expect(command == .connect(databaseURL: "dbname=parley"))
            feed(.connected)
            #expect(command == .prepareSession(lockTimeout: .seconds(5), statementTimeout: .seconds(600)))
            feed(.sessionPrepared)
            #expect(command == .tryLeadership(lease: .seconds(90)))
        }

        /// From a prepared session, takes the lead and plans once: 3 alerts, the next due in `nextAlert` seconds.
        mutating func lead(nextAlert: Double? = 120) {
            feed(.leadershipAcquired(token: 7))
            #expect(command == .listen)
            feed(.listening)
            #expect(command == DaemonStateMachineTests.leaderHeartbeat())
            feed(.heartbeatRecorded)
            #expect(command == .plan(token: 7))
            feed(.planned(.init(alertsCreated: 3, alertsCancelled: 0, deliveriesCreated: 4, secondsToNextAlert: nextAlert)))
            #expect(command == .recordPlan(took: .zero, alertsCreated: 3))
            feed(.planRecorded)
            #expect(command == .countPendingDeliveries)
            feed(.pendingDeliveriesCounted(4))
        }
    }

    // MARK: - Standing by and taking over

    @Test func aStandbyTriesForTheLeadEveryCheckIntervalAndHeartbeatsOnItsOwnCadence() {
        var daemon = Daemon()
        daemon.connect()
        daemon.feed(.leadershipHeldElsewhere)
        #expect(daemon.command == Self.standbyHeartbeat)
        daemon.feed(.heartbeatRecorded)
        #expect(daemon.command == .wait(until: .seconds(2)))
        #expect(daemon.notified == [.ready(status: "standby: another instance leads; checking every 2.0 seconds")])

        // Every 2 s a try, without a heartbeat until 30 s have passed.
        for second in stride(from: 2, to: 30, by: 2) {
            daemon.feed(.woke(notified: false, signals: []), at: .seconds(second))
            #expect(daemon.command == .tryLeadership(lease: .seconds(90)))
            daemon.feed(.leadershipHeldElsewhere)
            #expect(daemon.command == .wait(until: .seconds(min(second + 2, 30))))
            #expect(daemon.notified.isEmpty, "nothing new to tell systemd")
        }
        daemon.feed(.woke(notified: false, signals: []), at: .seconds(30))
        #expect(daemon.command == .tryLeadership(lease: .seconds(90)))
        daemon.feed(.leadershipHeldElsewhere)
        #expect(daemon.command == Self.standbyHeartbeat)
    }

    @Test func aStandbyThatGetsTheLockLeadsListensAndPlansEverything() {
        var daemon = Daemon()
        daemon.connect()
        daemon.feed(.leadershipHeldElsewhere)
        daemon.feed(.heartbeatRecorded)
        daemon.feed(.woke(notified: false, signals: []), at: .seconds(2))
        #expect(daemon.command == .tryLeadership(lease: .seconds(90)))
        daemon.feed(.leadershipAcquired(token: 7))
        #expect(daemon.logged == ["leading: this instance plans the alerts (lease epoch 7 for 90.0 seconds, renewed with each heartbeat)"])
        #expect(daemon.command == .listen)
        daemon.feed(.listening)
        #expect(daemon.command == Self.leaderHeartbeat(), "daemon_status shows the new leader first")
        daemon.feed(.heartbeatRecorded)
        #expect(daemon.command == .plan(token: 7), "a full plan at once")
    }

    @Test func readyGoesWithTheLeadersDetailedStatusLine() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead(nextAlert: 120)
        #expect(daemon.notified == [.ready(status: "leader: 4 deliveries pending; next alert in 120 s")])
        #expect(Parley.Daemon.message(for: daemon.notified[0])
                == "READY=1\nSTATUS=leader: 4 deliveries pending; next alert in 120 s")
    }

    // MARK: - The leadership lease

    @Test func theLeaderRenewsItsLeaseWithEveryHeartbeatAndProvesItWithEveryPlan() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead(nextAlert: 3_600)
        // Four heartbeats span 120 s of a 90 s lease: each renews it (epoch 7, 90 s), so it never lapses.
        for beat in 1...4 {
            daemon.feed(.woke(notified: false, signals: []), at: .seconds(30 * beat))
            #expect(daemon.command == Self.leaderHeartbeat())
            daemon.feed(.heartbeatRecorded)
        }
        #expect(daemon.machine.phase.isLeader)
        daemon.feed(.woke(notified: true, signals: []), at: .seconds(125))
        #expect(daemon.command == .plan(token: 7), "the plan presents the epoch it was elected in")
    }

    @Test func aPlanLongerThanTheLeaseIsNoLapseForTheDatabaseRenewedTheLeaseAtItsEnd() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.woke(notified: true, signals: []), at: .seconds(10))
        #expect(daemon.command == .plan(token: 7))
        // A full plan of a large database: 200 s, while the lease is 90 s. It renewed the lease at its end: 290 s
        // from when the server received it.
        daemon.feed(.planned(.init(alertsCreated: 1, deliveriesCreated: 1, secondsToNextAlert: 600, leaseSeconds: 290)),
                    at: .seconds(210))
        #expect(daemon.command == .recordPlan(took: .seconds(200), alertsCreated: 1))
        #expect(!daemon.step.effects.contains(.closeConnection))
        #expect(daemon.machine.phase.isLeader)
    }

    @Test func aPlanResultReadLateAfterAFreezeIsNoRenewal() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.woke(notified: true, signals: []), at: .seconds(10))
        // The server planned at once and renewed the lease for 90 s; the process was stopped before it read the
        // result, and reads it 140 s later.
        daemon.feed(.planned(.init(alertsCreated: 1, deliveriesCreated: 1, secondsToNextAlert: 600, leaseSeconds: 90)),
                    at: .seconds(150))
        #expect(daemon.logged.last?.hasPrefix("lost the leadership: the lease of epoch 7 lapsed by this instance's clock (last renewed 140.0 s ago") == true,
                "\(daemon.logged)")
        #expect(daemon.command == .connect(databaseURL: "dbname=parley"))
    }

    @Test func aLeaderFrozenPastItsLeaseRejoinsAsAStandbyWithoutPlanning() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead(nextAlert: 20)
        #expect(daemon.command == .wait(until: .milliseconds(20_001)))
        // SIGSTOP right after: the wait ends 100 s later, with an alert due and a change notified meanwhile.
        daemon.feed(.woke(notified: true, signals: []), at: .seconds(100))
        #expect(daemon.logged == ["lost the leadership: the lease of epoch 7 lapsed by this instance's clock (last renewed 100.0 s ago, the lease is 90.0 seconds; the process was stopped or its statements were held up); rejoining as a standby"])
        #expect(daemon.step.effects.first == .log(.warning, daemon.logged[0]))
        #expect(daemon.step.effects.contains(.closeConnection), "LISTEN and the old session go")
        #expect(daemon.command == .connect(databaseURL: "dbname=parley"), "not a plan: it no longer knows that it leads")

        // The new session finds the lease taken: it stands by and says so.
        daemon.connect()
        daemon.feed(.leadershipHeldElsewhere)
        #expect(daemon.command == Self.standbyHeartbeat, "daemon_status shows it as a standby at once")
        daemon.feed(.heartbeatRecorded)
        #expect(daemon.notified == [.status("standby: another instance leads; checking every 2.0 seconds")])
    }

    @Test func aRenewalOrAPlanTheDatabaseRefusesEndsTheLeadership() {
        let refusal = "the leadership of epoch 7 is no longer this session's: epoch 8 went to instance 3f2a… at 2026-11-27 10:00:00 UTC"
        // The heartbeat's renewal.
        var renewing = Daemon()
        renewing.connect()
        renewing.lead(nextAlert: 3_600)
        renewing.feed(.woke(notified: false, signals: []), at: .seconds(30))
        #expect(renewing.command == Self.leaderHeartbeat())
        renewing.feed(.leadershipLost("its lease renewal was refused: \(refusal)"))
        #expect(renewing.logged == ["lost the leadership: its lease renewal was refused: \(refusal); rejoining as a standby"])
        #expect(renewing.step.effects.contains(.closeConnection))
        #expect(renewing.command == .connect(databaseURL: "dbname=parley"))

        // A plan (sent by a leader that resumed before noticing): nothing was planned, nothing is recorded.
        var planning = Daemon()
        planning.connect()
        planning.lead(nextAlert: 3_600)
        planning.feed(.woke(notified: true, signals: []), at: .seconds(5))
        #expect(planning.command == .plan(token: 7))
        planning.feed(.leadershipLost("its plan was refused: \(refusal)"))
        #expect(planning.logged == ["lost the leadership: its plan was refused: \(refusal); rejoining as a standby"])
        #expect(planning.command == .connect(databaseURL: "dbname=parley"), "no recordPlan: nothing was planned")
        planning.connect()
        planning.feed(.leadershipAcquired(token: 9))
        planning.feed(.listening)
        #expect(planning.command == .heartbeat(.leader, waitingFor: nil, renewing: .init(token: 9, duration: .seconds(90))),
                "elected again: the new epoch from then on")
    }

    @Test func aCleanStopResignsTheLease() {
        var daemon = Daemon()
        daemon.connect()
        daemon.feed(.leadershipHeldElsewhere)
        daemon.feed(.heartbeatRecorded)
        daemon.feed(.woke(notified: false, signals: [.stop(signal: 15)]), at: .seconds(1))
        #expect(daemon.command == .deregister(resigning: nil), "a standby has no lease to give up")
    }

    @Test func aReloadThatChangesTheLeaseRenewsAtOnceForTheNewLength() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead(nextAlert: 3_600)
        daemon.feed(.woke(notified: false, signals: [.reload]), at: .seconds(5))
        var reloaded = Self.settings
        reloaded.leaseDuration = .seconds(120)
        daemon.feed(.settingsRead(reloaded, libpqEnvironment: [:]))
        #expect(daemon.command == .heartbeat(.leader, waitingFor: nil, renewing: .init(token: 7, duration: .seconds(120))))
    }

    @Test func theLeaseIsThreeHeartbeatsUnlessSetAndNeverShorterThanTwo() throws {
        #expect(try DaemonSettings.load(from: [:]).leaseDuration == .seconds(90))
        #expect(try DaemonSettings.load(from: ["PARLEY_HEARTBEAT_SECONDS": "2"]).leaseDuration == .seconds(6))
        #expect(try DaemonSettings.load(from: ["PARLEY_HEARTBEAT_SECONDS": "2", "PARLEY_LEASE_SECONDS": "4"]).leaseDuration == .seconds(4))
        for (value, problem) in [("3", "3 s is shorter than two heartbeats (PARLEY_HEARTBEAT_SECONDS is 2): the lease would lapse whenever one heartbeat is late; make it at least 4"),
                                 ("1", "'1' is not a whole number of seconds from 2 to 86400"),
                                 ("ten", "'ten' is not a whole number of seconds from 2 to 86400")] {
            #expect {
                try DaemonSettings.load(from: ["PARLEY_HEARTBEAT_SECONDS": "2", "PARLEY_LEASE_SECONDS": value])
            } throws: { error in
                (error as? ConfigurationError).map { $0.setting == "PARLEY_LEASE_SECONDS" && $0.problem == problem } ?? false
            }
        }
    }

    // MARK: - Planning

    @Test func theLeaderPlansWhenNotifiedOfAChange() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        #expect(daemon.command == .wait(until: .seconds(30)))
        daemon.feed(.woke(notified: true, signals: []), at: .seconds(7))
        #expect(daemon.command == .plan(token: 7))
        daemon.feed(.planned(.init(secondsToNextAlert: 113)), at: .milliseconds(7_020))
        #expect(daemon.logged == ["planned nothing new in 20 ms"])
        #expect(daemon.command == .wait(until: .seconds(30)), "nothing new: nothing to record or count")
    }

    @Test func theLeaderWakesWhenTheNextAlertFallsDueAndDailyWhenNoneIsScheduled() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead(nextAlert: 12.5)
        #expect(daemon.command == .wait(until: .milliseconds(12_501)))
        daemon.feed(.woke(notified: false, signals: []), at: .milliseconds(12_501))
        #expect(daemon.command == .plan(token: 7))

        daemon.feed(.planned(.init(alertsCreated: 1, deliveriesCreated: 1, secondsToNextAlert: nil)))
        daemon.feed(.planRecorded)
        #expect(daemon.command == .wait(until: .seconds(30)), "the heartbeat comes first")
        daemon.feed(.woke(notified: false, signals: []), at: .seconds(30))
        #expect(daemon.command == Self.leaderHeartbeat())
        daemon.feed(.heartbeatRecorded)
        #expect(daemon.command == .countPendingDeliveries, "plans changed the count: taken with the heartbeat")
        daemon.feed(.pendingDeliveriesCounted(5))
        #expect(daemon.notified == [.status("leader: 5 deliveries pending; no alert scheduled")])
        #expect(daemon.command == .wait(until: .seconds(60)))

        // With heartbeats in between, the next plan comes a day after the last.
        var plannedAt: Duration?
        while plannedAt == nil && daemon.now < .seconds(90_000) {
            guard case .wait(let until) = daemon.command else {
                Issue.record("expected a wait, got \(daemon.command)")
                return
            }
            daemon.feed(.woke(notified: false, signals: []), at: until)
            switch daemon.command {
            case .plan(token: 7):
                plannedAt = daemon.now
            case .heartbeat(.leader, nil, Self.lease):
                daemon.feed(.heartbeatRecorded)
                if daemon.command == .countPendingDeliveries { daemon.feed(.pendingDeliveriesCounted(5)) }
            default:
                Issue.record("expected a heartbeat or a plan, got \(daemon.command)")
                return
            }
        }
        #expect(plannedAt == .milliseconds(12_501) + .seconds(86_400))
    }

    @Test func anIdleLeaderHeartbeatsEveryHeartbeatInterval() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead(nextAlert: 3_600)
        for beat in 1...5 {
            #expect(daemon.command == .wait(until: .seconds(30 * beat)))
            daemon.feed(.woke(notified: false, signals: []), at: .seconds(30 * beat))
            #expect(daemon.command == Self.leaderHeartbeat())
            daemon.feed(.heartbeatRecorded)
        }
    }

    @Test func anAlertDueNowIsNotReplannedSoonerThanATenthOfASecond() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead(nextAlert: 0)
        #expect(daemon.command == .wait(until: .milliseconds(100)))
    }

    @Test func aPlanBlockedByALockSaysWhatItWaitsForAndTriesAgainAfterTheLockTimeout() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.woke(notified: true, signals: []), at: .seconds(10))
        daemon.feed(.planBlockedByLock, at: .seconds(15))
        #expect(daemon.command == .describeLockHolders)
        daemon.feed(.lockHoldersDescribed("pid 4242 (psql), transaction open 75 s"))
        #expect(daemon.logged == ["planning waits for a lock held by pid 4242 (psql), transaction open 75 s; trying again shortly"])
        #expect(daemon.command == Self.leaderHeartbeat(waitingFor: "a lock held by pid 4242 (psql), transaction open 75 s"))
        daemon.feed(.heartbeatRecorded)
        #expect(daemon.notified == [.status("leader: waiting for a lock held by pid 4242 (psql), transaction open 75 s")])
        #expect(daemon.command == .wait(until: .seconds(20)))

        // Still blocked: no second warning.
        daemon.feed(.woke(notified: false, signals: []), at: .seconds(20))
        #expect(daemon.command == .plan(token: 7))
        daemon.feed(.planBlockedByLock, at: .seconds(25))
        daemon.feed(.lockHoldersDescribed("pid 4242 (psql), transaction open 85 s"))
        #expect(daemon.logged.isEmpty)

        daemon.feed(.heartbeatRecorded)
        daemon.feed(.woke(notified: false, signals: []), at: .seconds(30))
        daemon.feed(.planned(.init(alertsCreated: 1, deliveriesCreated: 1, secondsToNextAlert: 60)), at: .seconds(31))
        #expect(daemon.logged.first == "the lock was released; planning again")
        #expect(daemon.command == Self.leaderHeartbeat())
    }

    // MARK: - Watchdog

    @Test func theWatchdogIsPingedEveryIntervalWhileTheLoopRunsAndNoWaitOutlastsIt() {
        var daemon = Daemon(watchdog: .seconds(10))
        daemon.connect()
        daemon.lead(nextAlert: 600)
        #expect(daemon.command == .wait(until: .seconds(10)), "the wait ends in time for the watchdog")
        daemon.feed(.woke(notified: false, signals: []), at: .seconds(10))
        #expect(daemon.notified == [.watchdog])
        #expect(daemon.command == .wait(until: .seconds(20)))
        daemon.feed(.woke(notified: true, signals: []), at: .seconds(14))
        #expect(daemon.notified.isEmpty, "not before the interval")
        #expect(daemon.command == .plan(token: 7))
        // A plan that took 9 s: pinged as soon as the loop has it back.
        daemon.feed(.planned(.init(secondsToNextAlert: 600)), at: .seconds(23))
        #expect(daemon.notified.first == .watchdog)
        #expect(daemon.command == .wait(until: .seconds(30)))
    }

    @Test func theWatchdogIsPingedWhileWaitingForTheDatabaseToo() {
        var daemon = Daemon(watchdog: .seconds(1))
        var lastPing = Duration.zero, pings = 0
        daemon.feed(.connectFailed("connection refused"), at: .milliseconds(10))
        while daemon.now < .seconds(20) {
            guard case .wait(let until) = daemon.command else {
                Issue.record("expected a wait, got \(daemon.command)")
                return
            }
            #expect(until <= lastPing + .seconds(1), "a backoff must not starve the watchdog")
            daemon.feed(.woke(notified: false, signals: []), at: until)
            if daemon.notified.contains(.watchdog) {
                pings += 1
                lastPing = daemon.now
            }
            if case .connect = daemon.command { daemon.feed(.connectFailed("connection refused")) }
        }
        #expect(pings >= 19)
    }

    @Test func duringALongStatementTheWatchPingsEveryIntervalUntilTheStatementTimeout() {
        let interval = Duration.seconds(10), limit = Duration.seconds(630)
        func due(_ running: Duration?) -> Bool {
            StatementWatchdog.pingDue(runningFor: running, interval: interval, limit: limit)
        }
        #expect(!due(nil), "no statement, no ping: the loop pings")
        #expect(!due(.seconds(5)), "the loop pinged just before the statement")
        #expect(due(.seconds(10)) && due(.seconds(20)) && due(.seconds(620)))
        #expect(!due(.seconds(630)), "stuck past the statement timeout: left to the watchdog")
    }

    // MARK: - Reconnecting

    @Test func reconnectingBacksOffCappedAndJittered() {
        var daemon = Daemon(seed: 7)
        var delays: [Duration] = []
        for _ in 0..<7 {
            daemon.feed(.connectFailed("connection refused"))
            guard case .wait(let until) = daemon.command else {
                Issue.record("no wait after a failed connect: \(daemon.command)")
                return
            }
            delays.append(until - daemon.now)
            daemon.feed(.woke(notified: false, signals: []), at: until)
            #expect(daemon.command == .connect(databaseURL: "dbname=parley"))
        }
        let steps: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)]
        for (delay, step) in zip(delays, steps) {
            #expect(delay >= step / 2 && delay <= step, "\(delay) is not within the step of \(step)")
        }
        #expect(Set(delays.suffix(3)).count > 1, "capped delays are still jittered")

        var other = Daemon(seed: 8)
        other.feed(.connectFailed("connection refused"))
        #expect(other.command != .wait(until: delays[0]), "two daemons do not retry in lockstep")
    }

    @Test func theFirstOutageIsLoggedOnceWithTheStatusAndTheReconnectAfterIt() {
        var daemon = Daemon()
        daemon.feed(.connectFailed("connection refused"), at: .seconds(1))
        #expect(daemon.logged == ["cannot reach the database: connection refused; retrying with backoff up to 8.0 seconds"])
        #expect(daemon.notified == [.status("waiting for the database")])
        guard case .wait(let until) = daemon.command else { return }
        daemon.feed(.woke(notified: false, signals: []), at: until)
        daemon.feed(.connectFailed("connection refused"))
        #expect(daemon.logged.isEmpty && daemon.notified.isEmpty, "said once per outage")
        guard case .wait(let again) = daemon.command else { return }
        daemon.feed(.woke(notified: false, signals: []), at: again)
        daemon.feed(.connected, at: .seconds(3))
        #expect(daemon.logged == ["connected to the database again after 2.0 s"])
    }

    @Test func aLostConnectionReconnectsAtOnceAndPlansEverythingAgain() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.failed(.connectionLost("terminating connection due to administrator command")), at: .seconds(40))
        #expect(daemon.step.effects.contains(.closeConnection))
        #expect(daemon.logged == ["lost the database connection: terminating connection due to administrator command; reconnecting"])
        #expect(daemon.notified == [.status("reconnecting to the database")])
        daemon.connect()
        daemon.lead()
        #expect(daemon.notified == [.status("leader: 4 deliveries pending; next alert in 120 s")], "READY was sent before")
    }

    @Test func theBackoffStartsOverOnlyAfterAHealthySession() {
        // A statement that fails right after every connect keeps backing off.
        var failing = Daemon(seed: 3)
        var delays: [Duration] = []
        var logged: [[String]] = []
        for _ in 0..<5 {
            failing.connect()
            failing.feed(.leadershipAcquired(token: 7))
            failing.feed(.listening)
            failing.feed(.failed(.statementFailed("function parley.daemon_heartbeat does not exist")))
            logged.append(failing.logged)
            guard case .wait(let until) = failing.command else { return }
            delays.append(until - failing.now)
            failing.feed(.woke(notified: false, signals: []), at: until)
        }
        #expect(delays.last ?? .zero >= .seconds(4), "kept growing: \(delays)")
        #expect(logged.first == ["planning failed: function parley.daemon_heartbeat does not exist; starting over with backoff up to 8.0 seconds"])
        #expect(logged.dropFirst().allSatisfy { $0 == ["planning failed again: function parley.daemon_heartbeat does not exist"] },
                "the same failure is logged once, then at debug level")

        // After a plan, a failure starts from the first step.
        var healthy = failing
        healthy.connect()
        healthy.lead()
        healthy.feed(.failed(.statementFailed("function parley.daemon_heartbeat does not exist")))
        guard case .wait(let until) = healthy.command else { return }
        #expect(until - healthy.now <= .milliseconds(500))
        #expect(healthy.logged
                == ["planning failed: function parley.daemon_heartbeat does not exist; starting over with backoff up to 8.0 seconds"])
    }

    @Test func aSchemaThisBuildDoesNotKnowEndsWithStatus78() {
        var daemon = Daemon()
        daemon.feed(.connected)
        daemon.feed(.failed(.schemaMismatch("the database schema is at version 9 but this build needs 10; run: parley migrate")))
        #expect(daemon.logged == ["the database schema is at version 9 but this build needs 10; run: parley migrate", "stopped"])
        #expect(daemon.command == .exit(78))
    }

    // MARK: - Signals

    @Test func sigtermStopsCleanly() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.woke(notified: true, signals: [.stop(signal: 15)]), at: .seconds(3))
        #expect(daemon.logged == ["stopping on signal 15"])
        #expect(daemon.notified == [.stopping])
        #expect(daemon.command == .deregister(resigning: 7), "leaves daemon_status rather than plan what was notified")
        daemon.feed(.deregistered)
        #expect(daemon.step.effects == [.closeConnection, .log(.info, "stopped")])
        #expect(daemon.command == .exit(0))
    }

    @Test func sigtermWhileWaitingForTheDatabaseStopsAtOnce() {
        var daemon = Daemon()
        daemon.feed(.connectFailed("connection refused"))
        daemon.feed(.woke(notified: false, signals: [.stop(signal: 2), .stop(signal: 15)]), at: .milliseconds(50))
        #expect(daemon.notified == [.stopping], "once")
        #expect(daemon.command == .exit(0))
    }

    @Test func sighupReloadsTheSettings() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.woke(notified: false, signals: [.reload]), at: .seconds(5))
        #expect(daemon.notified == [.reloading])
        #expect(daemon.command == .readSettings(environmentFile: "/etc/parley/parley.env"))
        var reloaded = Self.settings
        reloaded.heartbeatInterval = .seconds(10)
        reloaded.logLevel = .debug
        daemon.feed(.settingsRead(reloaded, libpqEnvironment: [:]))
        #expect(daemon.step.effects.contains(.setLogLevel(.debug)))
        #expect(daemon.logged == ["reloaded settings"])
        #expect(daemon.notified == [.reloaded])
        #expect(daemon.machine.settings == reloaded)
        // The next heartbeat keeps its time; the one after comes at the new cadence.
        daemon.feed(.woke(notified: false, signals: []), at: .seconds(30))
        #expect(daemon.command == Self.leaderHeartbeat())
        daemon.feed(.heartbeatRecorded)
        #expect(daemon.command == .wait(until: .seconds(40)))
    }

    @Test func aReloadThatChangesTheSessionReconnects() {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.woke(notified: false, signals: [.reload]), at: .seconds(5))
        var reloaded = Self.settings
        reloaded.databaseURL = "dbname=parley host=db2"
        daemon.feed(.settingsRead(reloaded, libpqEnvironment: ["PGSSLMODE": "require"]))
        #expect(daemon.step.effects.first == .setLibpqEnvironment(["PGSSLMODE": "require"]))
        #expect(daemon.logged == ["reloaded settings; the database session changes",
                                  "the database settings changed; reconnecting"])
        #expect(daemon.step.effects.contains(.closeConnection))
        #expect(daemon.command == .connect(databaseURL: "dbname=parley host=db2"))
    }

    @Test func anUnparsableReloadKeepsTheWorkingSettings() throws {
        var daemon = Daemon()
        daemon.connect()
        daemon.lead()
        daemon.feed(.woke(notified: false, signals: [.reload]), at: .seconds(5))
        daemon.feed(.settingsRefused("PARLEY_DATABASE_URL: not a valid connection string: invalid URI query parameter"))
        #expect(daemon.logged == ["reload failed, keeping the current settings: PARLEY_DATABASE_URL: not a valid connection string: invalid URI query parameter"])
        #expect(daemon.notified == [.reloaded], "still working: READY again")
        #expect(daemon.machine.settings == Self.settings)
        #expect(daemon.command == .wait(until: .seconds(30)), "the session goes on")

        // What the daemon reads on SIGHUP refuses the URL before it could replace a working one.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).env")
        try "PARLEY_DATABASE_URL=postgresql://db/parley?nosuchoption=1\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            try DaemonSettings.reload(over: [:], file: file.path, processEnvironment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.setting == "PARLEY_DATABASE_URL"
        }
    }

    @Test func aReloadReadsPGVariablesThatDifferFromTheProcessEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).env")
        try "PARLEY_HEARTBEAT_SECONDS=10\nPGHOST=db2\nPGPORT=5432\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let reload = try DaemonSettings.reload(over: ["PGPORT": "5432"], file: file.path, processEnvironment: ["PGPORT": "5432"])
        #expect(reload.settings.heartbeatInterval == .seconds(10))
        #expect(reload.libpqEnvironment == ["PGHOST": "db2"])
    }
}

extension DaemonStateMachine.Phase {
    /// In a session, leading.
    var isLeader: Bool {
        if case .session(let session) = self, case .leader = session.standing { return true }
        return false
    }
}
