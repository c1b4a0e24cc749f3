import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley status --check`, the monitoring plugin (issue 20): one line and 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN,
/// judged on the real binary against a real parleyd, running and not. And the settings file, which status and
/// parleyd read as the mailer does.
@Suite struct StatusCheckTests {
    func environment(_ database: TestDatabase) -> [String: String] {
        var environment = database.environment
        environment["PARLEY_ENV_FILE"] = ""
        environment["PARLEY_MAIL_FROM"] = "Parley <parley@status.example>"
        return environment
    }

    func check(_ environment: [String: String], _ extra: [String] = []) throws -> ProgramRun {
        let run = try ProgramRun.run("parley", ["status", "--check"] + extra, environment: environment)
        #expect(run.stdout.split(separator: "\n").count == 1, "not one line: \(run.stdout)")
        return run
    }

    func startDaemon(_ environment: [String: String]) throws -> BackgroundProgram {
        let daemon = try BackgroundProgram("parleyd", environment: environment)
        try #require(daemon.waitForOutput(containing: "leading"), "parleyd did not lead: \(daemon.stderr.prefix(400))")
        return daemon
    }

    func stop(_ daemon: BackgroundProgram) {
        daemon.send(SIGTERM)
        _ = daemon.waitForExit()
    }

    @Test func okWhileParleydLeadsAndCriticalWhenItIsStopped() throws {
        try TestDatabase.with { database in
            let environment = environment(database)
            let alone = try check(environment)
            #expect(alone.status == 2)
            #expect(alone.stdout.hasPrefix("PARLEY CRITICAL - no parleyd leads"), "\(alone.stdout)")

            let daemon = try startDaemon(environment)
            let led = try check(environment)
            #expect(led.status == 0, "\(led.stdout)\(led.stderr)")
            #expect(led.stdout.hasPrefix("PARLEY OK - parleyd leads on "), "\(led.stdout)")
            #expect(led.stdout.contains("| due=0;;;0"), "no performance data: \(led.stdout)")
            let report = try ProgramRun.run("parley", ["status"], environment: environment)
            #expect(report.status == 0, "\(report.stdout)")
            #expect(report.stdout.contains("Check:   OK"), "\(report.stdout)")

            stop(daemon)
            let after = try check(environment)
            #expect(after.status == 2, "\(after.stdout)")
        }
    }

    /// A leader that is frozen keeps its row and its role in daemon_status, but not its lease: nobody plans, and the
    /// check says so as soon as the lease lapses (issue 19).
    @Test func aLeaderWhoseLeaseLapsedDoesNotCountAsLeading() throws {
        try TestDatabase.with { database in
            var environment = environment(database)
            environment["PARLEY_HEARTBEAT_SECONDS"] = "1"
            environment["PARLEY_LEASE_SECONDS"] = "2"
            let daemon = try startDaemon(environment)
            defer { stop(daemon) }
            let report = try ProgramRun.run("parley", ["status"], environment: environment)
            #expect(report.stdout.contains("holds the leadership lease until "), "\(report.stdout)")

            daemon.send(SIGSTOP)
            defer { daemon.send(SIGCONT) }
            let connection = try database.connect()
            #expect(try poll(timeout: .seconds(5)) {
                try connection.value("select count(*)::int from parley.daemon_status where holds_lease") == 0
            })
            let lapsed = try check(environment)
            #expect(lapsed.status == 2, "\(lapsed.stdout)")
            #expect(lapsed.stdout.hasPrefix("PARLEY CRITICAL - no parleyd leads: 1 instance(s) registered, none holding a valid leadership lease"),
                    "\(lapsed.stdout)")
            let text = try ProgramRun.run("parley", ["status"], environment: environment)
            #expect(text.stdout.contains("Daemon:  no instance holds a valid leadership lease: alerts are not being planned"), "\(text.stdout)")
            #expect(text.stdout.contains("its leadership lease lapsed "), "\(text.stdout)")
        }
    }

    @Test func dueDeliveriesAreCriticalOnlyWhenTheMailerMissedTwoPeriods() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "late-1", dueInDays: -2)
            let environment = environment(database)
            let daemon = try startDaemon(environment)
            defer { stop(daemon) }
            let due = try poll(timeout: .seconds(5)) {
                try connection.value("select pending_due::int from parley.alert_status", as: Int.self) > 0
            }
            try #require(due, "parleyd planned no delivery")

            // The deployment: the mailer never ran while deliveries waited, and status said nothing.
            let never = try check(environment)
            #expect(never.status == 2, "\(never.stdout)")
            #expect(never.stdout.contains("deliveries due and the mailer has never run"), "\(never.stdout)")
            let report = try ProgramRun.run("parley", ["status"], environment: environment)
            #expect(report.status == 1)
            #expect(report.stdout.contains("Check:   CRITICAL"), "\(report.stdout)")

            // A run 3 minutes ago: within two periods of 5 minutes.
            try connection.query("select parley.record_mailer_run(now() - interval '3 min', now() - interval '3 min', 0, 0, 0, 0)")
            #expect(try check(environment).status == 0)
            // 11 minutes ago: two periods missed; with a 15-minute schedule it is not.
            try connection.query("select parley.record_mailer_run(now() - interval '11 min', now() - interval '11 min', 0, 0, 0, 0)")
            try connection.execute("delete from parley_data.mailer_runs where finished_at > now() - interval '10 min'")
            let late = try check(environment)
            #expect(late.status == 2, "\(late.stdout)")
            #expect(late.stdout.contains("the mailer has not run for 11 min (it should run every 5 min)"), "\(late.stdout)")
            #expect(try check(environment, ["--mailer-period", "15"]).status == 0)
        }
    }

    @Test func failedDeliveriesAreAWarning() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "late-1", dueInDays: -2)
            try connection.query("select * from parley.plan_alerts(now())")
            try connection.execute("update parley_data.alert_settings set max_attempts = 1")
            var failing = environment(database)
            failing["PARLEY_SENDMAIL"] = "/bin/false"
            let send = try ProgramRun.run("parley", ["alerts", "send"], environment: failing)
            #expect(send.status == 75, "\(send.stderr)")

            let daemon = try startDaemon(environment(database))
            defer { stop(daemon) }
            let warned = try check(environment(database))
            #expect(warned.status == 1, "\(warned.stdout)")
            #expect(warned.stdout.hasPrefix("PARLEY WARNING - 1 deliveries failed"), "\(warned.stdout)")
        }
    }

    @Test func aSchemaBehindThisBuildIsCritical() throws {
        try TestDatabase.with { database in
            let sql = FileManager.default.temporaryDirectory.appendingPathComponent("sql-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: sql) }
            let source = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["PARLEY_SQL_DIR"]))
            try FileManager.default.copyItem(at: source, to: sql)
            try "select 1;\n".write(to: sql.appendingPathComponent("migrations/000999_next.sql"), atomically: true, encoding: .utf8)
            var environment = environment(database)
            let daemon = try startDaemon(environment)
            defer { stop(daemon) }
            environment["PARLEY_SQL_DIR"] = sql.path
            let behind = try check(environment)
            #expect(behind.status == 2, "\(behind.stdout)")
            #expect(behind.stdout.contains("the schema is behind: 1 migration(s) pending (run parley migrate)"), "\(behind.stdout)")
        }
    }

    @Test func anUnreachableDatabaseIsCriticalAndABadSettingUnknown() throws {
        try TestDatabase.with { database in
            var environment = environment(database)
            environment["PARLEY_DATABASE_URL"] = "host=/nonexistent-socket-dir dbname=parley"
            let unreachable = try check(environment)
            #expect(unreachable.status == 2, "\(unreachable.stdout)")
            #expect(unreachable.stdout.hasPrefix("PARLEY CRITICAL - cannot reach the database"), "\(unreachable.stdout)")

            environment["PARLEY_DATABASE_URL"] = "host=x = y"
            let malformed = try check(environment)
            #expect(malformed.status == 3, "\(malformed.stdout)")
            #expect(malformed.stdout.hasPrefix("PARLEY UNKNOWN - PARLEY_DATABASE_URL"), "\(malformed.stdout)")
            #expect(malformed.stderr.isEmpty, "monitoring reads stdout only: \(malformed.stderr)")
        }
    }

    /// status and parleyd read /etc/parley/parley.env (PARLEY_ENV_FILE) as the mailer does; what the environment
    /// sets wins. Before, both ignored it, and status checked libpq's default database instead of the service's.
    @Test func statusAndParleydReadTheSettingsFileAndTheEnvironmentWins() throws {
        try TestDatabase.with { database in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("parley.env")
            try "# as shipped\nPARLEY_DATABASE_URL=\"\(database.conninfo)\"\nPARLEY_LOG_LEVEL=debug\n"
                .write(to: file, atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "PARLEY_DATABASE_URL")
            environment["PGDATABASE"] = "postgres"
            environment["PARLEY_ENV_FILE"] = file.path

            let report = try ProgramRun.run("parley", ["status"], environment: environment)
            #expect(report.stdout.contains("database \(database.name) "), "status did not use the file: \(report.stdout)\(report.stderr)")

            let daemon = try BackgroundProgram("parleyd", environment: environment)
            defer { stop(daemon) }
            #expect(daemon.waitForOutput(containing: "leading"), "parleyd did not use the file: \(daemon.stderr.prefix(400))")
            let connection = try database.connect()
            let instances: Int = try connection.value("select count(*)::int from parley.daemon_status where role = 'leader'")
            #expect(instances == 1)
            #expect(try check(environment).status == 0)

            // The environment wins over the file.
            var overridden = environment
            overridden["PARLEY_DATABASE_URL"] = "host=/nonexistent-socket-dir dbname=parley"
            #expect(try check(overridden).stdout.contains("cannot reach the database"))

            // A settings file that cannot be read (here a directory; as root every file can) or has a malformed line is a
            // bad setting, named: UNKNOWN, not a verdict on the wrong database.
            var unreadable = environment
            unreadable["PARLEY_ENV_FILE"] = directory.path
            let cannotRead = try check(unreadable)
            #expect(cannotRead.status == 3, "\(cannotRead.stdout)")
            #expect(cannotRead.stdout.contains("PARLEY_ENV_FILE"), "\(cannotRead.stdout)")
            try "PARLEY_DATABASE_URL\n".write(to: file, atomically: true, encoding: .utf8)
            let malformed = try check(environment)
            #expect(malformed.status == 3, "\(malformed.stdout)")
            #expect(malformed.stdout.contains("\(file.path):1"), "\(malformed.stdout)")
        }
    }
}
