import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Readers on standbys (issue 15, item 5): the commands that only read (listings, `show`, `export`, `calendar`,
/// `status`, `digest`, `brief`) connect with `PARLEY_READ_DATABASE_URL` when it is set; every other command, and every command when it
/// is not set, with `PARLEY_DATABASE_URL`. Two databases stand in for a primary and its standby, each with a party
/// of its own, so what a command shows or records says which one it used.
@Suite struct ReadDatabaseURLTests {
    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ProgramRun {
        try ProgramRun.run("parley", arguments, environment: environment)
    }

    static func partyCodes(_ database: TestDatabase) throws -> [String] {
        try database.connect().query("select code from parley_data.parties order by code").map { try $0.decode("code") }
    }

    @Test func readingCommandsUseTheReadURLAndRecordingGoesToThePrimary() throws {
        try TestDatabase.with { primary in
            try TestDatabase.with { standby in
                try primary.connect().execute("insert into parley_data.parties (code, name) values ('UA', 'Ukraine')")
                try standby.connect().execute("insert into parley_data.parties (code, name) values ('RU', 'Russia')")
                var environment = primary.environment
                environment["PARLEY_READ_DATABASE_URL"] = standby.conninfo

                for arguments in [["parties", "list"], ["export"]] {
                    let read = try Self.run(arguments, environment)
                    #expect(read.status == 0, "parley \(arguments.joined(separator: " ")): \(read.stderr)")
                    #expect(read.stdout.contains("Russia") && !read.stdout.contains("Ukraine"),
                            "parley \(arguments.joined(separator: " ")) read the standby: \(read.stdout)")
                }
                let recorded = try Self.run(["parties", "add", "TR", "--name", "Türkiye"], environment)
                #expect(recorded.status == 0, "parley parties add: \(recorded.stderr)")
                #expect(try Self.partyCodes(primary) == ["TR", "UA"], "a recording command writes to the primary")
                #expect(try Self.partyCodes(standby) == ["RU"], "and never to the read URL")

                environment["PARLEY_READ_DATABASE_URL"] = ""
                let unset = try Self.run(["parties", "list"], environment)
                #expect(unset.stdout.contains("Türkiye") && unset.stdout.contains("Ukraine") && !unset.stdout.contains("Russia"),
                        "without a read URL, listings read PARLEY_DATABASE_URL: \(unset.stdout)")
            }
        }
    }

    /// The commands that only read, from the command tree `parley` itself describes (`--experimental-dump-help`):
    /// every `list`, `show` and `silences`, and the top-level reports. A new listing is covered without editing
    /// this test. Each comes with the arguments it needs to get as far as connecting.
    static func readingCommands() throws -> [[String]] {
        let dump = try Self.run(["--experimental-dump-help"], ProcessInfo.processInfo.environment)
        struct Command: Decodable {
            var commandName: String
            var subcommands: [Command]?
        }
        struct Dump: Decodable { var command: Command }
        let root = try JSONDecoder().decode(Dump.self, from: Data(dump.stdout.utf8)).command
        var leaves: [[String]] = []
        func walk(_ command: Command, _ path: [String]) {
            let subcommands = (command.subcommands ?? []).filter { $0.commandName != "help" }
            if subcommands.isEmpty { leaves.append(path) }
            for subcommand in subcommands { walk(subcommand, path + [subcommand.commandName]) }
        }
        walk(root, [])
        let reports: Set<String> = ["status", "digest", "export", "calendar", "brief"]
        #expect(Set(leaves.filter { $0.count == 1 }.map { $0[0] }).isSuperset(of: reports), "the reports exist: \(leaves)")
        return leaves.compactMap { path -> [String]? in
            switch path.last {
            case "list", "silences": path.count == 2 ? path : nil
            case "show": path.count == 2 ? path + ["x"] : nil
            case "brief" where path.count == 1: path + ["--track", "x"]
            case let name? where path.count == 1 && reports.contains(name): path
            default: nil
            }
        }
    }

    @Test func aMalformedReadURLIsAConfigurationErrorThatNamesIt() throws {
        try TestDatabase.with { primary in
            var environment = primary.environment
            environment["PARLEY_READ_DATABASE_URL"] = "postgresql://[::1"
            environment["PARLEY_MAIL_FROM"] = "Parley <parley@read.example>"
            // Each reading command connects with it, so each is refused for it (exit 78, a setting to fix).
            let commands = try Self.readingCommands()
            #expect(commands.count >= 20, "every listing, show and report: \(commands)")
            for arguments in commands {
                let read = try Self.run(arguments, environment)
                let command = "parley " + arguments.joined(separator: " ")
                #expect(read.status == 78, "\(command): status \(read.status): \(read.stderr)")
                #expect(read.stderr.contains("PARLEY_READ_DATABASE_URL"), "\(command) names the setting: \(read.stderr)")
                #expect(!read.stderr.contains("PARLEY_DATABASE_URL:"), "\(command), not the primary's: \(read.stderr)")
            }

            let recorded = try Self.run(["parties", "add", "UA", "--name", "Ukraine"], environment)
            #expect(recorded.status == 0, "a recording command does not use it: \(recorded.stderr)")
            #expect(try Self.partyCodes(primary) == ["UA"])
        }
    }
}
