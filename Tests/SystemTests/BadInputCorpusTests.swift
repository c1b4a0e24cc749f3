import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// The bad-input corpus (Tests/corpus/bad-input.json): every case, against the recording functions, the `parley`
/// command line, import files and the environment of `parley` and `parleyd`, must get
/// - a clear error that names the field (the SQLSTATE's message, or one line on stderr),
/// - the SQLSTATE or exit status the case expects (never a crash, never success),
/// - and leave the database as it was: a checksum of every table of parley_data (but the logs of program runs) is
///   the same after the case as before.
/// A case marked `known_bug` fails today for a bug that is reported; it is run as a known issue, so that the fix
/// shows up as "known issue not recorded" and the mark can go.
@Suite(.serialized) struct BadInputCorpusTests {
    struct Corpus: Decodable {
        var cases: [Case]
    }

    struct Case: Decodable, Sendable, CustomStringConvertible {
        var id: String
        var `where`: String
        var input: String?
        var sqlstate: String?
        var args: [String]?
        var status: Expected?
        var format: String?
        var content: String?
        var generate: String?
        var program: String?
        var environment: [String: String]?
        var field: String
        var expect: String?
        var check: String?
        var known_bug: String?

        var description: String { "\(`where`)/\(id)" }
    }

    /// An exit status, or several allowed ones written "64|65".
    struct Expected: Decodable, Sendable {
        var allowed: [Int32]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int32.self) {
                allowed = [number]
            } else {
                allowed = try container.decode(String.self).split(separator: "|").compactMap { Int32($0) }
            }
        }
    }

    static var corpusURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("corpus/bad-input.json")
    }

    static func load() throws -> [Case] {
        try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: corpusURL)).cases
    }

    /// The payload of the free-text case.
    static let injection = "x'); drop table parley_data.parties; --"

    @Test func theCorpusHasAtLeastAHundredCasesOfEveryKind() throws {
        let cases = try Self.load()
        #expect(cases.count >= 100)
        for kind in ["sql", "cli", "import", "env"] {
            #expect(cases.filter { $0.where == kind }.count >= 10, "too few \(kind) cases")
        }
        #expect(Set(cases.map(\.id)).count == cases.count, "case ids repeat")
    }

    @Test func everyBadInputIsRefusedByNameAndChangesNothing() throws {
        let cases = try Self.load()
        try TestDatabase.with { database in
            let connection = try database.connect()
            try Self.createFixture(on: connection)
            let writer = "corpus_writer_" + UUID().uuidString.prefix(8).lowercased()
            try connection.execute("create role \(try connection.escapeIdentifier(writer)) login in role parley_writer, parley_admin")
            defer { _ = try? connection.execute("drop role if exists \(try connection.escapeIdentifier(writer))") }
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }

            var checksum = try Self.checksum(connection)
            var tally: [String: Int] = [:]
            for item in cases {
                let run = {
                    let problems = try Self.problems(of: item, database: database, connection: connection,
                                                     writer: writer, scratch: scratch)
                    let after = try Self.checksum(connection)
                    var all = problems
                    if item.expect != "accepted" && after != checksum {
                        // The new state is the baseline from here on, so that the next case is judged alone.
                        all.append("the database changed")
                    }
                    checksum = after
                    for problem in all {
                        Issue.record("\(item): \(problem)")
                    }
                    let outcome = item.known_bug == nil ? "failed" : "failing for a known bug"
                    tally[all.isEmpty ? "as expected" : outcome, default: 0] += 1
                }
                if let bug = item.known_bug {
                    withKnownIssue(Comment(rawValue: bug)) { try run() }
                } else {
                    try run()
                }
            }
            let kinds = Dictionary(grouping: cases, by: \.where).mapValues(\.count)
            print("bad-input corpus: \(cases.count) cases (sql \(kinds["sql"] ?? 0), cli \(kinds["cli"] ?? 0), "
                  + "import \(kinds["import"] ?? 0), env \(kinds["env"] ?? 0)); "
                  + tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }

    // MARK: - One case

    static func problems(
        of item: Case, database: TestDatabase, connection: Connection, writer: String, scratch: URL
    ) throws -> [String] {
        switch item.where {
        case "sql":
            return try sqlProblems(item, connection: connection, writer: writer)
        case "cli":
            let run = try ProgramRun.run("parley", item.args ?? [], environment: environment(database))
            return programProblems(item, run)
        case "import":
            let file = scratch.appendingPathComponent("\(item.id).\(item.format ?? "yaml")")
            try contents(of: item).write(to: file)
            let run = try ProgramRun.run("parley", ["import", file.path], environment: environment(database),
                                         timeout: .seconds(120))
            if item.expect == "accepted" {
                var problems: [String] = []
                if run.status != 0 { problems.append("refused (exit \(run.status)): \(run.stderr)") }
                if let check = item.check {
                    let stored: Int = try connection.value(check, [injection])
                    if stored != 1 { problems.append("the text was not stored as written (\(stored) rows)") }
                }
                let tables: Int = try connection.value(
                    "select count(*)::int from pg_class where relnamespace = 'parley_data'::regnamespace and relkind = 'r'")
                if tables < 20 { problems.append("tables are gone: \(tables) left") }
                return problems
            }
            return programProblems(item, run)
        case "env":
            var variables = environment(database)
            for (name, value) in item.environment ?? [:] {
                variables[name] = try substitute(value, database: database, scratch: scratch, name: item.id)
            }
            let program = item.program ?? "parley"
            do {
                let run = try ProgramRun.run(program, item.args ?? [], environment: variables, timeout: .seconds(10))
                return programProblems(item, run)
            } catch let failure as ProgramRun.Failure {
                return ["\(program) did not exit: \(failure.description)"]
            }
        default:
            return ["unknown place \(item.where)"]
        }
    }

    static func sqlProblems(_ item: Case, connection: Connection, writer: String) throws -> [String] {
        try connection.execute("set session authorization \(try connection.escapeIdentifier(writer))")
        defer { _ = try? connection.execute("reset session authorization") }
        do {
            _ = try connection.query(item.input ?? "")
            return ["not refused"]
        } catch let error as PQError where error.kind == .server {
            var problems: [String] = []
            let state = error.sqlState?.rawValue ?? "?"
            let allowed = (item.sqlstate ?? "").split(separator: "|").map(String.init)
            if !allowed.contains(state) {
                problems.append("SQLSTATE \(state), expected \(item.sqlstate ?? "?"): \(error.serverMessage)")
            }
            let text = error.serverMessage + " " + (error.column ?? "")
            if !names(item.field, in: text) {
                problems.append("the error does not name \(item.field): \(error.serverMessage)")
            }
            return problems
        }
    }

    static func programProblems(_ item: Case, _ run: ProgramRun) -> [String] {
        var problems: [String] = []
        let allowed = item.status?.allowed ?? []
        if run.signalled {
            problems.append("killed by signal \(run.status): \(run.stderr)")
        } else if !allowed.contains(run.status) {
            problems.append("exit \(run.status), expected \(allowed.map(String.init).joined(separator: "|")): \(run.stderr)")
        }
        let stderr = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        if stderr.isEmpty {
            problems.append("no message on stderr")
        } else if !names(item.field, in: stderr) {
            problems.append("the message does not name \(item.field): \(stderr.prefix(300))")
        }
        if stderr.contains("Fatal error") || stderr.contains("Stack dump") {
            problems.append("crashed: \(stderr.prefix(300))")
        }
        return problems
    }

    /// True when `text` contains one of the alternatives of `field` ("a|b"), ignoring case.
    static func names(_ field: String, in text: String) -> Bool {
        field.split(separator: "|").contains { text.localizedCaseInsensitiveContains($0) }
    }

    // MARK: - Inputs

    /// What a program needs to reach the test database, and no settings file.
    static func environment(_ database: TestDatabase) -> [String: String] {
        var variables = database.environment
        variables["PARLEY_ENV_FILE"] = ""
        return variables
    }

    /// `$URL`: the test database's conninfo; `$URL_BASE`: nothing (the PG* variables reach the server);
    /// `$FILE:text`: a file holding `text`.
    static func substitute(_ value: String, database: TestDatabase, scratch: URL, name: String) throws -> String {
        if value.hasPrefix("$FILE:") {
            let file = scratch.appendingPathComponent("\(name).env")
            try Data(value.dropFirst("$FILE:".count).utf8).write(to: file)
            return file.path
        }
        return value.replacingOccurrences(of: "$URL_BASE", with: "")
            .replacingOccurrences(of: "$URL", with: database.conninfo)
    }

    static func contents(of item: Case) -> Data {
        switch item.generate {
        case "invalid-utf8":
            return Data("parley: 1\nparties:\n  - code: NW\n    name: \"No".utf8) + Data([0xFF, 0xFE, 0xC3]) + Data("where\"\n".utf8)
        case "long-name":
            return Data("parley: 1\nparties:\n  - code: NW\n    name: \(String(repeating: "x", count: 10 * 1024 * 1024))\n".utf8)
        case "deep-yaml":
            return Data(("parley: 1\nparties: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n").utf8)
        case "deep-json":
            return Data(("{\"parley\": 1, \"parties\": " + String(repeating: "[", count: 100_000)
                         + String(repeating: "]", count: 100_000) + "}").utf8)
        case "binary":
            return Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
        default:
            return Data((item.content ?? "").utf8)
        }
    }

    // MARK: - The database

    /// A small world the cases refer to: Ukraine, Russia, Türkiye; the Istanbul track with Ukraine as a principal;
    /// the item pow-exchange; commitment c-1, meeting m-1, source src-1, follow-up fu-1.
    static func createFixture(on connection: Connection) throws {
        try TestWorld.create(on: connection)
        try connection.query("select parley.add_member(track => 'istanbul', party => 'UA', role => 'principal')")
        try connection.query("select parley.add_source(code => 'src-1', title => 'Round 1 readout')")
        try TestWorld.addCommitment(on: connection, code: "c-1", dueInDays: 5)
        try connection.query(
            "select parley.add_meeting(code => 'm-1', track => 'istanbul', title => 'Round 1', starts_at => now() + interval '1 day')")
        try connection.query(
            "select parley.add_follow_up(assignee => $1, due_at => now() + interval '2 days', note => 'Chase', track => 'istanbul', code => 'fu-1')",
            [TestWorld.owner])
        // Records above the corpus writer's clearance (it has none), which every write must treat as nonexistent,
        // and a silence set by someone cleared for secret (the fixture runs as the superuser, cleared for all).
        try connection.query(
            "select parley.add_track(code => 'back-channel', name => 'Back channel', format => 'bilateral', classification => 'secret')")
        try connection.query("select parley.set_agenda_status(track => 'back-channel', item => 'pow-exchange', status => 'proposed')")
        try connection.query(
            "select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU', beneficiaries => array['UA'], text => 'Quiet', code => 'secret-c', classification => 'secret')")
        try connection.query(
            "select parley.add_meeting(code => 'secret-m', track => 'back-channel', title => 'Quiet meeting', starts_at => now() + interval '3 days')")
        try connection.query(
            "select parley.add_follow_up(assignee => $1, due_at => now() + interval '2 days', note => 'Quiet', commitment => 'secret-c', code => 'secret-fu')",
            [TestWorld.owner])
        try connection.query(
            "select parley.silence(track => 'istanbul', until => now() + interval '3 days', reason => 'set by a cleared colleague')")
        try connection.query(
            "select parley.add_person(email => 'cleared@example.org', name => 'Cleared Colleague', clearance => 'secret')")
        // A track led by that colleague: its lead is theirs to replace, not the corpus writer's.
        try connection.query(
            "select parley.add_track(code => 'led', name => 'Led', format => 'bilateral', lead => 'cleared@example.org')")
        try createAgreements(on: connection)
    }

    /// Agreements the cases refer to: ag-1 in force on istanbul (Ukraine and Russia signed on 16 May 2025, Türkiye
    /// mediates, a 30-day term; commitment c-1 is its article 1), ag-ended (expired), ag-draft (Russia named as a
    /// signatory that has not signed), ag-open (in force, open-ended), ag-secret (secret); a track trilateral with a
    /// commitment c-tri, and a second commitment of Russia's on istanbul, c-2.
    static func createAgreements(on connection: Connection) throws {
        for statement in [
            "select parley.add_track(code => 'trilateral', name => 'Trilateral track', format => 'trilateral')",
            "select parley.set_agenda_status(track => 'trilateral', item => 'pow-exchange', status => 'agreed')",
            """
            select parley.add_commitment(track => 'trilateral', item => 'pow-exchange', obligor => 'RU',
                   beneficiaries => array['UA'], text => 'Elsewhere', code => 'c-tri')
            """,
            """
            select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU',
                   beneficiaries => array['UA'], text => 'Hand over the lists', code => 'c-2')
            """,
            "select parley.add_agreement(code => 'ag-1', title => 'Exchange arrangement', tracks => array['istanbul'], term_length => '30 days')",
            "select parley.add_agreement_party('ag-1', 'TR', 'mediator')",
            "select parley.sign_agreement('ag-1', 'UA', '2025-05-16')",
            "select parley.sign_agreement('ag-1', 'RU', '2025-05-16')",
            "select parley.enter_into_force('ag-1', '2025-05-16')",
            "select parley.add_provision('ag-1', 'c-1', '1')",
            "select parley.add_agreement(code => 'ag-ended', title => 'Ended arrangement', tracks => array['istanbul'], term_length => '30 days')",
            "select parley.sign_agreement('ag-ended', 'UA', '2025-05-16')",
            "select parley.enter_into_force('ag-ended', '2025-05-16')",
            "select parley.end_agreement('ag-ended', 'expired', '2025-06-15')",
            "select parley.add_agreement(code => 'ag-draft', title => 'A draft', tracks => array['istanbul'], drafted_on => '2025-06-01')",
            "select parley.add_agreement_party('ag-draft', 'RU', 'signatory')",
            "select parley.add_agreement(code => 'ag-open', title => 'Open-ended arrangement', tracks => array['istanbul'])",
            "select parley.sign_agreement('ag-open', 'UA', '2025-05-16')",
            "select parley.enter_into_force('ag-open', '2025-05-16')",
            "select parley.add_agreement(code => 'ag-secret', title => 'Quiet arrangement', tracks => array['istanbul'], classification => 'secret')",
        ] {
            try connection.query(statement)
        }
    }

    /// Every table of parley_data, row by row, but the logs of program runs (a refused `parley alerts send` records
    /// its run in mailer_runs, by design) and the migrations.
    static func checksum(_ connection: Connection) throws -> String {
        let tables: [String] = try connection.query(
            """
            select relname::text as name from pg_class
             where relnamespace = 'parley_data'::regnamespace and relkind in ('r', 'p')
               and relname not in ('mailer_runs', 'daemon_instances', 'schema_migrations')
             order by 1
            """).map { try $0.decode("name") }
        var parts: [String] = []
        for table in tables {
            let name = try connection.escapeIdentifier(table)
            let sum: String = try connection.value(
                "select count(*) || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '') from parley_data.\(name) t")
            parts.append("\(table)=\(sum)")
        }
        return parts.joined(separator: " ")
    }
}
