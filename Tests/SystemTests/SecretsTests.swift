import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// No secret in argv, logs or error messages: a password in `PARLEY_DATABASE_URL` (as a conninfo keyword or inside a
/// `postgresql://` URL) never appears in anything `parley` or `parleyd` print — on success, on refusal, when the
/// database cannot be reached, when the URL is malformed, at `PARLEY_LOG_LEVEL=debug` — nor in parleyd's argv, in
/// what PostgreSQL shows of its sessions, or in the arguments and environment of the sendmail the mailer runs.
@Suite struct SecretsTests {
    static let password = "S3cret-Pa55-q7Zx"

    /// The test database's URL with the password, in both spellings. The test cluster trusts local connections, so
    /// the password is sent but not needed.
    static func urls(_ database: TestDatabase) -> [String] {
        let host = ProcessInfo.processInfo.environment["PGHOST"] ?? "/tmp"
        let escapedHost = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
        return [
            "\(database.conninfo) password=\(password)",
            "postgresql://postgres:\(password)@\(escapedHost)/\(database.name)",
        ]
    }

    /// The same URLs, broken in three ways: a database that does not exist, a host that does not answer, bad syntax.
    static func brokenURLs(_ database: TestDatabase) -> [String] {
        [
            "dbname=no_such_database_x password=\(password)",
            "host=/nonexistent/run dbname=parley password=\(password)",
            "postgresql://postgres:\(password)@[::1",
            "postgresql://postgres:\(password)@/parley?sslmode=bogus",
        ]
    }

    func environment(_ database: TestDatabase, url: String, sendmail: String? = nil) -> [String: String] {
        var variables = database.environment
        variables["PARLEY_DATABASE_URL"] = url
        variables["PARLEY_ENV_FILE"] = ""
        variables["PARLEY_LOG_LEVEL"] = "debug"
        variables["PARLEY_MAIL_FROM"] = "Parley <parley@secrets.example>"
        if let sendmail { variables["PARLEY_SENDMAIL"] = sendmail }
        return variables
    }

    /// A sendmail that records its arguments and environment in `log`.
    func recordingSendmail(log: URL) throws -> URL {
        let script = log.deletingLastPathComponent().appendingPathComponent("sendmail-\(UUID().uuidString.prefix(8))")
        try """
            #!/bin/sh
            echo "argv: $0 $*" >> '\(log.path)'
            env >> '\(log.path)'
            cat > /dev/null
            """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        return script
    }

    @Test func theCommandsNeverPrintThePassword() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "late-1", dueInDays: -2)
            try connection.query("select * from parley.plan_alerts(now())")
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("sendmail-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: log) }
            let sendmail = try recordingSendmail(log: log)
            defer { try? FileManager.default.removeItem(at: sendmail) }

            var runs = 0
            let commands: [[String]] = [
                ["status"], ["migrate", "--help"], ["commitments", "list"], ["commitments", "show", "late-1"],
                ["digest"], ["alerts", "send", "--verbose"], ["export"], ["tracks", "add", "istanbul", "--name", "Again", "--format", "bilateral"],
                ["commitments", "progress", "nope", "--delivered", "1"],
            ]
            for url in Self.urls(database) {
                for arguments in commands {
                    let run = try ProgramRun.run("parley", arguments, environment: environment(database, url: url, sendmail: sendmail.path))
                    runs += 1
                    #expect(!(run.stdout + run.stderr).contains(Self.password), "parley \(arguments.joined(separator: " ")) printed the password: \(run.stderr)")
                }
            }
            for url in Self.brokenURLs(database) {
                for arguments in [["status"], ["commitments", "list"], ["alerts", "send"], ["digest"], ["import", "-"]] {
                    let run = try ProgramRun.run("parley", arguments, environment: environment(database, url: url, sendmail: sendmail.path),
                                                 input: Data("parley: 1\n".utf8))
                    runs += 1
                    #expect(run.status != 0, "parley \(arguments.joined(separator: " ")) succeeded with \(url)")
                    #expect(!(run.stdout + run.stderr).contains(Self.password),
                            "parley \(arguments.joined(separator: " ")) printed the password: \(run.stderr)")
                }
            }
            let recorded = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(recorded.contains("argv:"), "the mailer did not run sendmail")
            let argv = recorded.split(separator: "\n").filter { $0.hasPrefix("argv:") }.joined(separator: "\n")
            #expect(!argv.contains(Self.password), "sendmail's arguments carry the password: \(argv)")
            // Nor its environment: the MTA is another program (found by this test, fixed in SendmailTransport).
            #expect(!recorded.contains(Self.password), "sendmail's environment carries the password")
            print("secrets: \(runs) runs of parley, password in none of their output")
        }
    }

    @Test func parleydNeverLogsThePasswordEvenAtDebug() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            for url in Self.urls(database) {
                let daemon = try BackgroundProgram("parleyd", environment: environment(database, url: url))
                #expect(daemon.waitForOutput(containing: "leading"), "stderr: \(daemon.stderr)")
                // What others can see of it: its arguments, and its session in pg_stat_activity.
                let commandLine = (try? String(contentsOfFile: "/proc/\(daemon.pid)/cmdline", encoding: .utf8)) ?? ""
                #expect(!commandLine.contains(Self.password), "parleyd's argv carries the password")
                let sessions: String = try connection.value(
                    "select coalesce(string_agg(application_name || ' ' || query, ' | '), '') from pg_stat_activity where application_name = 'parleyd'")
                #expect(!sessions.isEmpty && !sessions.contains(Self.password))
                // A lost connection and a reload: the two moments a daemon is most tempted to say where it connects.
                try connection.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'parleyd'")
                #expect(daemon.waitForOutput(containing: "connected to the database again"), "stderr: \(daemon.stderr)")
                daemon.send(SIGHUP)
                #expect(daemon.waitForOutput(containing: "reloaded settings"))
                try TestWorld.addCommitment(on: connection, code: "late-\(UUID().uuidString.prefix(6))", dueInDays: -1)
                _ = daemon.waitForOutput(containing: "planned 1 alert", timeout: .seconds(5))
                daemon.send(SIGTERM)
                #expect(daemon.waitForExit() == 0)
                #expect(!daemon.stderr.contains(Self.password), "parleyd logged the password: \(daemon.stderr)")
            }
            for url in Self.brokenURLs(database) {
                let daemon = try BackgroundProgram("parleyd", environment: environment(database, url: url))
                _ = daemon.waitForOutput(containing: "database", timeout: .seconds(3))
                usleep(1_500_000)
                daemon.send(SIGTERM)
                _ = daemon.waitForExit(timeout: .seconds(5))
                #expect(!daemon.stderr.isEmpty)
                #expect(!daemon.stderr.contains(Self.password), "parleyd logged the password: \(daemon.stderr)")
            }
        }
    }
}
