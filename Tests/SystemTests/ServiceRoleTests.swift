import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// The service as it is deployed: parleyd and the mailer log in as a login that has `parley_daemon` and nothing else
/// (the README's access section), not as the superuser the other tests use. And alerts that fall due by the clock,
/// with nothing changing, while parleyd runs. Both failed when the reliability work found them (RELIABILITY.md, bugs
/// 1 and 2); they keep them fixed.
@Suite struct ServiceRoleTests {
    /// A login with only `parley_daemon`, cluster-wide: uniquely named, dropped afterwards.
    func withDaemonLogin<Result>(_ connection: Connection, _ body: (String) throws -> Result) throws -> Result {
        let login = "service_" + UUID().uuidString.prefix(8).lowercased()
        try connection.execute("create role \(try connection.escapeIdentifier(login)) login in role parley_daemon")
        defer { _ = try? connection.execute("drop role if exists \(try connection.escapeIdentifier(login))") }
        return try body(login)
    }

    func environment(_ database: TestDatabase, login: String? = nil) -> [String: String] {
        var variables = database.environment
        if let login { variables["PARLEY_DATABASE_URL"] = "\(database.conninfo) user=\(login)" }
        variables["PARLEY_ENV_FILE"] = ""
        variables["PARLEY_MAIL_FROM"] = "Parley <parley@service.example>"
        return variables
    }

    @Test func theMailerRunsAsALoginWithOnlyParleyDaemon() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "late-1", dueInDays: -2)
            try connection.query("select * from parley.plan_alerts(now())")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try withDaemonLogin(connection) { login in
                let run = try ProgramRun.run("parley", ["alerts", "send", "--to-dir", directory.path],
                                             environment: environment(database, login: login))
                #expect(run.status == 0, "stderr: \(run.stderr)")
                let sent: Int = try connection.value("select count(*)::int from parley_data.deliveries where state = 'sent'")
                #expect(sent > 0)
            }
        }
    }

    /// Its schema check once read parley_data.schema_migrations, which the role may not reach.
    @Test func parleydRunsAsALoginWithOnlyParleyDaemon() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try withDaemonLogin(connection) { login in
                let daemon = try BackgroundProgram("parleyd", environment: environment(database, login: login))
                #expect(daemon.waitForOutput(containing: "leading"), "stderr: \(daemon.stderr.prefix(400))")
                try TestWorld.addCommitment(on: connection, code: "late-2", dueInDays: -1)
                let planned = try poll(timeout: .seconds(5)) {
                    try connection.value("select count(*)::int from parley_data.alerts where subject_code = 'late-2'", as: Int.self) > 0
                }
                #expect(planned)
                daemon.send(SIGTERM)
                _ = daemon.waitForExit()
            }
        }
    }

    /// Woken at next_alert_at, parleyd once planned only what changed, skipped what fell due, and woke again at once.
    @Test func anAlertFallingDueWhileParleydRunsIsPlannedOnTimeWithoutSpinning() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            var variables = environment(database)
            variables["PARLEY_LOG_LEVEL"] = "debug"
            let daemon = try BackgroundProgram("parleyd", environment: variables)
            #expect(daemon.waitForOutput(containing: "leading"))
            try connection.query(
                "select parley.add_follow_up(assignee => $1, due_at => now() + interval '2 seconds', note => 'Call back', track => $2, code => 'soon')",
                [TestWorld.owner, TestWorld.track])
            let planned = try poll(timeout: .seconds(5)) {
                try connection.value("select count(*)::int from parley_data.alerts where subject_code = 'soon' and kind = 'follow_up_due'", as: Int.self) > 0
            }
            #expect(planned, "the follow-up due 2 s after it was recorded had no alert 5 s later")
            usleep(1_000_000)
            let idlePlans = daemon.stderr.components(separatedBy: "planned nothing new").count - 1
            #expect(idlePlans < 20, "parleyd planned \(idlePlans) times in a few seconds with nothing to do")
            daemon.send(SIGTERM)
            _ = daemon.waitForExit()
        }
    }
}
