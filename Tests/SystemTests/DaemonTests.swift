import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// The real `parleyd` binary against a test database.
@Suite struct DaemonTests {
    /// The alerts of `kind` about commitment `code`.
    func alertCount(_ connection: Connection, kind: String, commitment code: String) throws -> Int {
        try connection.value(
            """
            select count(*)::int from parley_data.alerts a join parley_data.commitments c on c.id = a.commitment_id
             where a.kind = $1 and c.code = $2 and a.state <> 'cancelled'
            """, [kind, code])
    }

    func environment(_ database: TestDatabase, notify: NotifySocket? = nil) -> [String: String] {
        var environment = database.environment
        environment["NOTIFY_SOCKET"] = notify?.path
        environment["PARLEY_ENV_FILE"] = "/nonexistent/parley.env"
        return environment
    }

    @Test func readyAfterTheFirstPlanAndAnOverdueCommitmentIsAlertedWithinASecond() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            let notify = try NotifySocket()
            let daemon = try BackgroundProgram("parleyd", environment: environment(database, notify: notify))
            #expect(notify.waitFor("READY=1"), "no READY=1; stderr: \(daemon.stderr)")
            // READY=1 carries the detailed status line: a bare STATUS=leader would replace it in systemctl status.
            let ready = notify.messages.first { $0.hasPrefix("READY=1") } ?? ""
            #expect(ready.contains("\nSTATUS=leader: ") && ready.contains(" deliveries pending; "), "READY was: \(ready)")
            #expect(!notify.messages.contains { $0.hasSuffix("STATUS=leader") }, "\(notify.messages)")

            let start = ContinuousClock.now
            try TestWorld.addCommitment(on: connection, code: "late-1", dueInDays: -2)
            let appeared = try poll(timeout: .seconds(5)) { try alertCount(connection, kind: "overdue", commitment: "late-1") == 1 }
            let took = ContinuousClock.now - start
            #expect(appeared, "no overdue alert; stderr: \(daemon.stderr)")
            #expect(took < .seconds(1), "the alert took \(took)")

            daemon.send(SIGTERM)
            #expect(daemon.waitForExit(timeout: .seconds(2)) == 0)
            #expect(notify.waitFor("STOPPING=1", timeout: .seconds(1)))
            // A clean stop removes the instance from daemon_status.
            let instances: Int = try connection.value("select count(*)::int from parley.daemon_status")
            #expect(instances == 0)
        }
    }

    /// Short notice (issue 12): a meeting recorded for tomorrow and a deadline recorded three days ahead are past
    /// the moments of their reminders (2 days, 7 days) when recorded; parleyd announces both at once, once.
    @Test func aMeetingRecordedForTomorrowAndADeadlineInThreeDaysAreAnnouncedAtOnce() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            let daemon = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(daemon.waitForOutput(containing: "leading"), "stderr: \(daemon.stderr)")

            try connection.query(
                "select parley.add_meeting(code => 'ist-short', track => $1, title => 'Short-notice round', starts_at => now() + interval '20 hours')",
                [TestWorld.track])
            try TestWorld.addCommitment(on: connection, code: "soon-3", dueInDays: 3)
            // Waiting to be mailed now: one delivery each, to the track's lead and the commitment's owner.
            func waiting() throws -> [String] {
                try connection.query(
                    """
                    select a.kind::text || ' ' || a.subject_code as alert from parley_data.deliveries d
                      join parley_data.alerts a on a.id = d.alert_id
                     where d.state = 'pending' and d.send_after <= now() order by 1
                    """).map { try $0.decode("alert") }
            }
            let announced = try poll(timeout: .seconds(5)) { try waiting().count == 2 }
            #expect(announced, "stderr: \(daemon.stderr)")
            #expect(try waiting() == ["due_soon soon-3", "meeting_upcoming ist-short"])

            // The digest says the real time left.
            let daysLeft: Int = try connection.value(
                "select due_on - (now() at time zone 'Europe/Istanbul')::date from parley_data.commitments where code = 'soon-3'")
            let digest = try ProgramRun.run("parley", ["digest", "--for", TestWorld.owner], environment: environment(database))
            #expect(digest.status == 0, "\(digest.stderr)")
            #expect(digest.stdout.contains("MEETING IN 20 HOURS — Istanbul direct talks — Short-notice round"), "\(digest.stdout)")
            #expect(digest.stdout.contains("DUE IN \(daysLeft) DAYS — Istanbul direct talks"), "\(digest.stdout)")

            // Never twice: a later change of the commitment is planned, and nothing new is announced.
            try connection.query("select parley.record_update(commitment => 'soon-3', note => 'lists being drawn up')")
            let replanned = try poll(timeout: .seconds(5)) {
                try connection.value("select count(*)::int from parley_data.plan_queue") == 0
            }
            #expect(replanned)
            let alerts: Int = try connection.value("select count(*)::int from parley_data.alerts")
            #expect(alerts == 2)
            daemon.send(SIGTERM)
            #expect(daemon.waitForExit() == 0)
        }
    }

    @Test func aFollowUpFallingDueWhileTheLeaderSleepsIsAlertedOnTimeWithoutSpinning() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            let daemon = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(daemon.waitForOutput(containing: "leading"), "stderr: \(daemon.stderr)")

            // Nothing changes in the database when it falls due: only the daemon's own schedule can raise it.
            let code: String = try connection.value(
                "select parley.add_follow_up(assignee => $1, due_at => now() + interval '3 seconds', note => 'Call the Ombudsman', track => $2)",
                [TestWorld.owner, TestWorld.track])
            let dueAt: Date = try connection.value("select due_at from parley_data.follow_ups where id = parley_data.follow_up_id($1)", [code])
            let appeared = try poll(timeout: .seconds(8)) {
                try connection.value("select count(*)::int from parley_data.alerts where kind = 'follow_up_due'") == 1
            }
            #expect(appeared, "stderr: \(daemon.stderr)")
            #expect(Date().timeIntervalSince(dueAt) < 2, "the alert came \(Date().timeIntervalSince(dueAt)) s after its time")

            // Then it sleeps: a few statements over two seconds, not a spin.
            let before: Int = try connection.value(
                "select xact_commit::int from pg_stat_get_db_xact_commit((select oid from pg_database where datname = current_database())) xact_commit")
            usleep(2_500_000)
            let after: Int = try connection.value(
                "select xact_commit::int from pg_stat_get_db_xact_commit((select oid from pg_database where datname = current_database())) xact_commit")
            #expect(after - before < 30, "\(after - before) transactions in 2.5 s while idle")
            daemon.send(SIGTERM)
            #expect(daemon.waitForExit() == 0)
        }
    }

    @Test func survivesATerminatedBackendAndPlansWhatChangedMeanwhile() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            let daemon = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(daemon.waitForOutput(containing: "leading"), "stderr: \(daemon.stderr)")

            let terminated: Int = try connection.value(
                "select count(*)::int from (select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'parleyd') t")
            #expect(terminated == 1)
            try TestWorld.addCommitment(on: connection, code: "late-2", dueInDays: -1)

            let appeared = try poll(timeout: .seconds(10)) { try alertCount(connection, kind: "overdue", commitment: "late-2") == 1 }
            #expect(appeared, "stderr: \(daemon.stderr)")
            #expect(daemon.stderr.contains("lost the database connection"))
            #expect(daemon.stderr.contains("<4>"), "a lost connection is logged as a warning")
            daemon.send(SIGTERM)
            #expect(daemon.waitForExit() == 0)
        }
    }

    @Test func aSecondDaemonStandsByAndTakesOverWhenTheLeaderIsKilled() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            let first = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(first.waitForOutput(containing: "leading"))
            let notify = try NotifySocket()
            let second = try BackgroundProgram("parleyd", environment: environment(database, notify: notify))
            #expect(notify.waitFor("STATUS=standby"), "stderr: \(second.stderr)")
            let roles: [String] = try connection.query("select role::text as role from parley.daemon_status order by role")
                .map { try $0.decode("role") }
            #expect(roles == ["leader", "standby"])
            #expect(!second.stderr.contains("leading"))

            first.send(SIGKILL)
            let tookOver = second.waitForOutput(containing: "leading", timeout: .seconds(10))
            #expect(tookOver, "stderr: \(second.stderr)")
            try TestWorld.addCommitment(on: connection, code: "late-3", dueInDays: -1)
            #expect(try poll(timeout: .seconds(5)) { try alertCount(connection, kind: "overdue", commitment: "late-3") == 1 })
            second.send(SIGTERM)
            #expect(second.waitForExit() == 0)
        }
    }

    /// Issue 19: a leader frozen with SIGSTOP kept its session (and, before leases, the leadership) for as long as
    /// it stayed frozen. Now the standby leads once the lease lapses, and the old leader, resumed, plans nothing and
    /// rejoins as a standby.
    @Test func aFrozenLeaderHandsOverWhenItsLeaseLapsesAndPlansNothingWhenItResumes() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            var environment = environment(database)
            environment["PARLEY_HEARTBEAT_SECONDS"] = "1"
            environment["PARLEY_LEASE_SECONDS"] = "2"
            environment["PARLEY_STANDBY_CHECK_SECONDS"] = "1"
            let first = try BackgroundProgram("parleyd", environment: environment)
            #expect(first.waitForOutput(containing: "leading"), "stderr: \(first.stderr)")
            let second = try BackgroundProgram("parleyd", environment: environment)
            #expect(try poll(timeout: .seconds(5)) {
                try connection.value("select count(*)::int from parley.daemon_status where role = 'standby'") == 1
            })

            first.send(SIGSTOP)
            #expect(second.waitForOutput(containing: "leading", timeout: .seconds(10)), "stderr: \(second.stderr)")
            try TestWorld.addCommitment(on: connection, code: "late-4", dueInDays: -1)
            #expect(try poll(timeout: .seconds(5)) { try alertCount(connection, kind: "overdue", commitment: "late-4") == 1 },
                    "the new leader plans")

            let frozen = first.stderr.count
            first.send(SIGCONT)
            #expect(first.waitForOutput(containing: "rejoining as a standby", timeout: .seconds(5)), "stderr: \(first.stderr)")
            try TestWorld.addCommitment(on: connection, code: "late-5", dueInDays: -1)
            #expect(try poll(timeout: .seconds(5)) { try alertCount(connection, kind: "overdue", commitment: "late-5") == 1 })
            #expect(try poll(timeout: .seconds(5)) {
                try connection.value(
                    "select count(*)::int from parley.daemon_status where role = 'standby' and not holds_lease and pid = $1",
                    [Int(first.pid)]) == 1
            }, "the old leader reports as a standby")
            let resumed = String(first.stderr.dropFirst(frozen))
            #expect(!resumed.contains("planned") && !resumed.contains("leading"), "after resuming: \(resumed)")
            let holders: [Int] = try connection.query("select pid from parley.daemon_status where holds_lease")
                .map { try $0.decode("pid") }
            #expect(holders == [Int(second.pid)])
            let duplicates: Int = try connection.value(
                """
                select count(*)::int from (select 1 from parley_data.alerts where state <> 'cancelled'
                 group by subject_type, subject_id, kind, occurrence having count(*) > 1) d
                """)
            #expect(duplicates == 0)
            for daemon in [first, second] {
                daemon.send(SIGTERM)
                #expect(daemon.waitForExit() == 0)
            }
        }
    }

    @Test func sigtermStopsWithinASecondWithStatusZero() throws {
        try TestDatabase.with { database in
            let daemon = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(daemon.waitForOutput(containing: "leading"))
            let start = ContinuousClock.now
            daemon.send(SIGTERM)
            #expect(daemon.waitForExit(timeout: .seconds(1)) == 0)
            #expect(ContinuousClock.now - start < .seconds(1))
            // The stopping leader ended its lease: another daemon leads at once.
            let next = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(next.waitForOutput(containing: "leading", timeout: .seconds(5)))
            next.send(SIGINT)
            #expect(next.waitForExit() == 0)
        }
    }

    @Test func refusesAnUnmigratedDatabaseWithTheCommandToRun() throws {
        try TestDatabase.with(empty: true) { database in
            let daemon = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(daemon.waitForExit() == Sysexits.config)
            #expect(daemon.stderr.contains("run: parley migrate"), "stderr: \(daemon.stderr)")
            #expect(daemon.stderr.contains("<3>"))
        }
    }

    @Test func pingsTheWatchdogAndReloadsOnSighup() throws {
        try TestDatabase.with { database in
            let notify = try NotifySocket()
            var environment = environment(database, notify: notify)
            environment["WATCHDOG_USEC"] = "400000"
            let daemon = try BackgroundProgram("parleyd", environment: environment)
            #expect(notify.waitFor("READY=1"))
            #expect(poll(timeout: .seconds(3)) { notify.messages.filter { $0 == "WATCHDOG=1" }.count >= 3 })

            daemon.send(SIGHUP)
            #expect(notify.waitFor("RELOADING=1"))
            let reload = notify.messages.first { $0.contains("RELOADING=1") } ?? ""
            #expect(reload.contains("MONOTONIC_USEC="))
            #expect(poll(timeout: .seconds(3)) { notify.messages.filter { $0.hasPrefix("READY=1") }.count >= 2 })
            #expect(daemon.waitForOutput(containing: "reloaded settings"))
            daemon.send(SIGTERM)
            #expect(daemon.waitForExit() == 0)
        }
    }

    @Test func aBadSettingIsAConfigurationErrorNamingIt() throws {
        try TestDatabase.with { database in
            var environment = environment(database)
            environment["PARLEY_LOG_LEVEL"] = "chatty"
            let run = try ProgramRun.run("parleyd", [], environment: environment)
            #expect(run.status == Sysexits.config)
            #expect(run.stderr.contains("PARLEY_LOG_LEVEL"))

            environment["PARLEY_LOG_LEVEL"] = nil
            environment["PARLEY_HEARTBEAT_SECONDS"] = "30"
            environment["PARLEY_LEASE_SECONDS"] = "45"
            let short = try ProgramRun.run("parleyd", [], environment: environment)
            #expect(short.status == Sysexits.config)
            #expect(short.stderr.contains("PARLEY_LEASE_SECONDS: 45 s is shorter than two heartbeats"), "\(short.stderr)")
        }
    }
}
