import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Every read-only subcommand works for every staff role (issue 12, item 1): reader and writer, each without a
/// clearance and with each clearance level, with parleyd running and stopped. A command shows what the login may
/// see; none fails because a view hides a value from it (`parley status` once exited 70, "NULL cannot be decoded as
/// non-optional Int", for every login not cleared secret).
@Suite struct EveryRoleCommandTests {
    enum Clearance: String, CaseIterable, Sendable {
        case none, restricted, confidential, secret
    }

    struct Login: Sendable, CustomStringConvertible {
        let name: String
        let role: String
        let clearance: Clearance
        var description: String { "\(role) cleared \(clearance.rawValue)" }
    }

    /// The read-only subcommands, with the arguments they need on the world below. Not `parley digest`: like
    /// `alerts send`, it is the mailer's (it previews every recipient's mail, past row-level security, through a
    /// function only `parley_daemon` may call).
    static let commands: [[String]] = [
        ["status"], ["status", "--check"], ["status", "--format", "json"], ["migrate", "--status"],
        ["alerts", "list"], ["alerts", "list", "--all"], ["alerts", "silences"],
        ["tracks", "list"], ["tracks", "show", TestWorld.track], ["parties", "list"], ["members", "list"],
        ["items", "list"], ["meetings", "list"], ["commitments", "list"], ["commitments", "show", "open-1"],
        ["positions", "list"], ["figures", "list"], ["follow-ups", "list"], ["people", "list"],
        ["subscriptions", "list"], ["sources", "list"], ["export"], ["export", "--format", "json"], ["calendar"],
    ]

    /// The status a command must end with. `parley status` reports health: with parleyd stopped, nobody plans
    /// alerts, which it must say (1; `--check`: 2, CRITICAL) to every role alike.
    static func expectedStatus(_ arguments: [String], daemonRunning: Bool) -> Int32 {
        guard arguments.first == "status", !daemonRunning else { return 0 }
        return arguments.contains("--check") ? 2 : 1
    }

    /// A world with rows at every classification, alerts planned about each, and a mailer run recorded: every
    /// value a view hides from a lower clearance is there to hide.
    func createWorld(on connection: Connection, database: TestDatabase) throws {
        try TestWorld.create(on: connection)
        try TestWorld.addCommitment(on: connection, code: "open-1", dueInDays: 20)
        for (index, level) in ["unclassified", "restricted", "confidential", "secret"].enumerated() {
            try TestWorld.addCommitment(on: connection, code: "late-\(level)", dueInDays: -1 - index, classification: level)
        }
        try connection.query("select * from parley.plan_alerts(now())")
        let outbox = FileManager.default.temporaryDirectory.appendingPathComponent("roles-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outbox) }
        try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
        var environment = database.environment
        environment["PARLEY_MAIL_FROM"] = "Parley <parley@roles.example>"
        let send = try ProgramRun.run("parley", ["alerts", "send", "--to-dir", outbox.path], environment: environment)
        try #require(send.status == 0, "the mailer run failed: \(send.stderr)")
    }

    func createLogins(on connection: Connection) throws -> [Login] {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        var logins: [Login] = []
        for role in ["parley_reader", "parley_writer"] {
            for clearance in Clearance.allCases {
                let login = Login(name: "roles_\(role.dropFirst(7))_\(clearance.rawValue)_\(suffix)", role: role, clearance: clearance)
                let granted = [role] + (clearance == .none ? [] : ["parley_clearance_\(clearance.rawValue)"])
                try connection.execute("create role \(try connection.escapeIdentifier(login.name)) login in role \(granted.joined(separator: ", "))")
                logins.append(login)
            }
        }
        return logins
    }

    func dropLogins(_ logins: [Login], on connection: Connection) {
        for login in logins {
            if let name = try? connection.escapeIdentifier(login.name) { _ = try? connection.execute("drop role if exists \(name)") }
        }
    }

    /// Runs every command as every login (one thread per login) and returns what went wrong.
    func runMatrix(_ logins: [Login], database: TestDatabase, daemonRunning: Bool) throws -> [String] {
        let problems = try concurrently(logins.count) { index -> [String] in
            let login = logins[index]
            var environment = database.environment
            environment["PARLEY_DATABASE_URL"] = "\(database.conninfo) user=\(login.name)"
            environment["PARLEY_ENV_FILE"] = ""
            environment["PARLEY_MAIL_FROM"] = "Parley <parley@roles.example>"
            var problems: [String] = []
            for arguments in Self.commands {
                let run = try ProgramRun.run("parley", arguments, environment: environment)
                let command = "parley \(arguments.joined(separator: " ")) as \(login) (parleyd \(daemonRunning ? "running" : "stopped"))"
                let expected = Self.expectedStatus(arguments, daemonRunning: daemonRunning)
                if run.status != expected || run.signalled {
                    problems.append("\(command): exit \(run.status), expected \(expected): \(run.stderr.prefix(300))\(run.stdout.prefix(300))")
                }
                if (run.stdout + run.stderr).contains("cannot be decoded") {
                    problems.append("\(command): a decoding error: \(run.stderr.prefix(300))")
                }
                if arguments == ["status"] {
                    problems += statusProblems(run.stdout, login: login, command: command, daemonRunning: daemonRunning)
                }
            }
            return problems
        }
        return problems.flatMap { $0 }
    }

    /// What `parley status` shows each clearance: totals over classified alerts only to a login cleared secret.
    func statusProblems(_ report: String, login: Login, command: String, daemonRunning: Bool) -> [String] {
        var problems: [String] = []
        let showsTotals = report.contains("alert(s) planned") || report.contains(", sent ")
        if login.clearance == .secret {
            if daemonRunning && !report.contains("alert(s) planned") { problems.append("\(command): no planned total for a secret login:\n\(report)") }
            if !report.contains(", sent ") { problems.append("\(command): no mailer totals for a secret login:\n\(report)") }
        } else {
            if showsTotals { problems.append("\(command): totals over classified alerts shown:\n\(report)") }
            if !report.contains("counted over what \(login.name) may see") {
                problems.append("\(command): does not say the counts are partial:\n\(report)")
            }
        }
        if !report.contains("Check:") { problems.append("\(command): no verdict line:\n\(report)") }
        return problems
    }

    @Test func everyReadOnlyCommandWorksForEveryRoleAndClearanceWithParleydRunningAndStopped() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try createWorld(on: connection, database: database)
            let logins = try createLogins(on: connection)
            defer { dropLogins(logins, on: connection) }

            var environment = database.environment
            environment["PARLEY_ENV_FILE"] = ""
            let daemon = try BackgroundProgram("parleyd", environment: environment)
            try #require(daemon.waitForOutput(containing: "leading"), "parleyd did not lead: \(daemon.stderr.prefix(400))")
            let whileRunning = try runMatrix(logins, database: database, daemonRunning: true)
            daemon.send(SIGTERM)
            try #require(daemon.waitForExit() == 0, "parleyd did not stop: \(daemon.stderr.suffix(400))")
            let whileStopped = try runMatrix(logins, database: database, daemonRunning: false)

            let problems = whileRunning + whileStopped
            let runs = 2 * logins.count * Self.commands.count
            #expect(problems.isEmpty, "\(problems.count) problems in \(runs) runs:\n\(problems.prefix(20).joined(separator: "\n"))")
        }
    }
}
