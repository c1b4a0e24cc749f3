import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// A login that lacks the role a command needs is told so: exit status 77 (EX_NOPERM), the role it needs, how to see
/// its own (`select * from parley.whoami`), and nothing written. A refusal of data is 65; a permission is not data.
@Suite struct PermissionRefusalTests {
    /// Logins created for one test (roles are cluster-wide: uniquely named, dropped afterwards).
    struct Logins {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        var created: [String] = []

        /// Creates a login in `roles` and returns its name.
        mutating func create(_ name: String, in roles: [String], on connection: Connection) throws -> String {
            let login = "\(name)_\(suffix)"
            let membership = roles.isEmpty ? "" : " in role " + roles.joined(separator: ", ")
            try connection.execute("create role \(try connection.escapeIdentifier(login)) login\(membership)")
            created.append(login)
            return login
        }

        func drop(on connection: Connection) {
            for login in created {
                _ = try? connection.execute("drop owned by \(login)")
                _ = try? connection.execute("drop role \(login)")
            }
        }
    }

    func run(_ arguments: [String], as login: String, _ database: TestDatabase, extra: [String: String] = [:]) throws -> ProgramRun {
        var environment = database.environment
        environment["PARLEY_DATABASE_URL"] = database.conninfo + " user=\(login)"
        environment["PARLEY_ENV_FILE"] = ""
        environment.merge(extra) { $1 }
        return try ProgramRun.run("parley", arguments, environment: environment)
    }

    @Test func aReaderWhoTriesToRecordIsToldToAskForParleyWriterAndNothingIsWritten() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "swap-ru", dueInDays: 10)
            var logins = Logins()
            defer { logins.drop(on: connection) }
            let reader = try logins.create("reader", in: ["parley_reader"], on: connection)
            let before = try connection.dataChecksum()

            let attempts: [(arguments: [String], function: String)] = [
                (["commitments", "add", "--track", TestWorld.track, "--item", TestWorld.item, "--obligor", "RU",
                  "--beneficiary", "UA", "--text", "Hand over 1,000"], "add_commitment"),
                (["commitments", "progress", "swap-ru", "--delivered", "390", "--reported-on", "2025-05-23"], "record_update"),
                (["commitments", "set-due", "swap-ru", "2026-01-01"], "change_due_date"),
                (["alerts", "ack", "1"], "acknowledge_alert"),
            ]
            for attempt in attempts {
                let refused = try run(attempt.arguments, as: reader, database)
                #expect(refused.status == Sysexits.noPermission, "\(attempt.arguments): \(refused.stderr)")
                #expect(refused.stderr.contains("permission denied for function \(attempt.function)"), "\(refused.stderr)")
                #expect(refused.stderr.contains("parley_writer"), "\(refused.stderr)")
                #expect(refused.stderr.contains("select * from parley.whoami"), "\(refused.stderr)")
            }
            #expect(try connection.dataChecksum() == before)

            // Reading is what a reader may do.
            let listed = try run(["commitments", "list"], as: reader, database)
            #expect(listed.status == 0, "\(listed.stderr)")
        }
    }

    @Test func aReaderWhoImportsIsToldToAskForParleyWriter() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            var logins = Logins()
            defer { logins.drop(on: connection) }
            let reader = try logins.create("reader", in: ["parley_reader"], on: connection)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(logins.suffix).yaml")
            try "parties:\n  - code: UA\n    name: Ukraine\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let before = try connection.dataChecksum()

            let refused = try run(["import", file.path], as: reader, database)
            #expect(refused.status == Sysexits.noPermission, "\(refused.stderr)")
            #expect(refused.stderr.contains("permission denied for function import_world"), "\(refused.stderr)")
            #expect(refused.stderr.contains("parley_writer") && refused.stderr.contains("select * from parley.whoami"))
            #expect(try connection.dataChecksum() == before)
        }
    }

    @Test func aLoginWithoutAnyParleyRoleIsToldToAskForParleyReader() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            var logins = Logins()
            defer { logins.drop(on: connection) }
            let stranger = try logins.create("stranger", in: [], on: connection)

            let refused = try run(["tracks", "list"], as: stranger, database)
            #expect(refused.status == Sysexits.noPermission, "\(refused.stderr)")
            #expect(refused.stderr.contains("permission denied"), "\(refused.stderr)")
            #expect(refused.stderr.contains("parley_reader"), "\(refused.stderr)")
        }
    }

    @Test func aWriterWhoRunsTheMailerIsToldToAskForParleyDaemon() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            var logins = Logins()
            defer { logins.drop(on: connection) }
            let writer = try logins.create("writer", in: ["parley_writer"], on: connection)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(logins.suffix)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }

            let refused = try run(["alerts", "send", "--to-dir", directory.path], as: writer, database,
                                  extra: ["PARLEY_MAIL_FROM": "Parley <parley@permissions.example>"])
            #expect(refused.status == Sysexits.noPermission, "\(refused.stderr)")
            #expect(refused.stderr.contains("parley_daemon"), "\(refused.stderr)")
        }
    }

    /// Parley's own 42501, a classification above one's clearance, is a permission refusal too, and keeps its own
    /// message, which names the field and what the login may record.
    @Test func recordingAboveOnesClearanceIsRefusedAsAPermissionWithItsOwnMessage() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            var logins = Logins()
            defer { logins.drop(on: connection) }
            let writer = try logins.create("writer", in: ["parley_writer"], on: connection)
            let before = try connection.dataChecksum()

            let refused = try run(
                ["commitments", "add", "--track", TestWorld.track, "--item", TestWorld.item, "--obligor", "RU",
                 "--beneficiary", "UA", "--text", "Hand over 1,000", "--classification", "secret"], as: writer, database)
            #expect(refused.status == Sysexits.noPermission, "\(refused.stderr)")
            #expect(refused.stderr.contains("classification"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("ask your administrator"), "its own message, not the missing-role one: \(refused.stderr)")
            #expect(try connection.dataChecksum() == before)
        }
    }
}
