import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley import` and `parley export` with the demo scenario: it loads, its totals match the facts it was built
/// from, loading it again changes nothing, a broken file changes nothing and says where, and export → import →
/// export gives the same file.
@Suite struct ImportCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let demo = root.appendingPathComponent("examples/demo.yaml").path

    static func run(_ arguments: [String], _ database: TestDatabase, input: Data? = nil) throws -> ProgramRun {
        try ProgramRun.run("parley", arguments, environment: database.environment, input: input)
    }

    static func importDemo(_ database: TestDatabase) throws -> ProgramRun {
        let run = try run(["import", demo], database)
        #expect(run.status == 0, "\(run.stderr)")
        return run
    }

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func theDemoLoadsAndItsTotalsMatchTheFacts() throws {
        try TestDatabase.with { database in
            let run = try Self.importDemo(database)
            #expect(run.stdout.contains("examples/demo.yaml: "))
            #expect(run.stdout.contains(" 0 changed, 0 unchanged"))
            let c = try database.connect()

            // The 6,000-for-6,000 return of bodies: 1,212 + 1,200 + 1,200 + 1,200 + 1,245 = 6,057 to Ukraine, 78 to
            // Russia.
            #expect(try c.value("select delivered_quantity::int from parley_data.commitments where code = 'ist-r2-bodies-ru'",
                                as: Int.self) == 6057)
            #expect(try c.value("select string_agg(u.delivered_quantity::text, ',' order by u.reported_on) from parley_data.commitment_updates u join parley_data.commitments c on c.id = u.commitment_id where c.code = 'ist-r2-bodies-ru'",
                                as: String.self) == "1212,1200,1200,1200,1245")
            #expect(try c.value("select status::text from parley.commitments where code = 'ist-r2-bodies-ru'", as: String.self)
                == "fulfilled")
            #expect(try c.value("select delivered::int from parley.commitments where code = 'ist-r2-bodies-ua'", as: Int.self) == 78)

            // The 1,000-for-1,000 swap: one deal, two sides, 1,000 each way in three stages of 23–25 May 2025.
            #expect(try c.value("""
                select string_agg(obligor || ':' || delivered::int || ':' || status, ' ' order by obligor)
                  from parley.commitments where deal = 'ist-1000-for-1000'
                """, as: String.self) == "RU:1000:fulfilled UA:1000:fulfilled")
            #expect(try c.value("""
                select string_agg(distinct u.reported_on::text, ',')
                  from parley_data.commitment_updates u join parley_data.commitments c on c.id = u.commitment_id
                  join parley_data.deals d on d.id = c.deal_id where d.code = 'ist-1000-for-1000'
                """, as: String.self) == "2025-05-23,2025-05-24,2025-05-25")
            #expect(try c.value("select delivered::int from parley.commitment_updates where commitment = 'ist-r1-swap-ru' and reported_on = '2025-05-23'",
                                as: Int.self) == 390)
            // The Abu Dhabi swap: 157 for 157, 314 people.
            #expect(try c.value("select sum(delivered)::int from parley.commitments where deal = 'tri-157-for-157'", as: Int.self) == 314)

            // Contested figures: 6,057 vs 6,060 bodies; 19,546 confirmed vs about 35,000 children.
            #expect(try c.value("select min_value::int || '/' || max_value::int from parley.contested_figures where indicator = 'bodies-returned-to-ua'",
                                as: String.self) == "6057/6060")
            #expect(try c.value("select min_value::int || '/' || max_value::int from parley.contested_figures where indicator = 'children-deported'",
                                as: String.self) == "19546/35000")
            #expect(try c.value("select string_agg(value::int::text, ',' order by as_of) from parley.figures where indicator = 'children-returned'",
                                as: String.self) == "386,1247,1378,1641")

            // Three rounds in Istanbul in 2025, two meetings in Abu Dhabi in 2026, NATO briefings.
            #expect(try c.value("select string_agg(meeting || '@' || (local_start::date)::text, ' ' order by starts_at) from parley.meetings where track = 'istanbul'",
                                as: String.self) == "ist-r1@2025-05-16 ist-r2@2025-06-02 ist-r3@2025-07-23")
            #expect(try c.value("select count(*)::int from parley.meetings where track = 'trilateral' and extract(year from local_start) = 2026 and meeting not like 'demo-%'",
                                as: Int.self) == 2)
            // The demo's own next meeting is dated from the load day: three days ahead (the database's today) at 11:00
            // on the track's clock, which may already be tomorrow there.
            let daysUntil = try c.value("select days_until from parley.upcoming_meetings where meeting = 'demo-tri-next'", as: Int.self)
            #expect((2...3).contains(daysUntil))
            #expect(try c.value("select count(*)::int from parley.meetings where track = 'nato-briefings'", as: Int.self) == 2)

            // Parties and roles: Türkiye and the UAE host, Qatar and the Holy See mediate the return of children.
            let roles: String = try c.value("""
                select string_agg(track || '/' || party || '/' || role, ' ' order by track, party, role) from parley.members
                 where role in ('host', 'mediator')
                """)
            #expect(roles == "children-returns/QA/mediator children-returns/VA/mediator istanbul/TR/host nato-briefings/NATO/host trilateral/AE/host trilateral/US/mediator")

            // The three agenda items on the tracks where they belong; Russia refuses to hand children to Kyiv directly.
            #expect(try c.value("select string_agg(item, ',' order by item) from parley.agenda where track = 'istanbul'",
                                as: String.self) == "ceasefire,children-return,pow-exchange")
            #expect(try c.value("select string_agg(item, ',' order by item) from parley.agenda where track = 'trilateral'",
                                as: String.self) == "ceasefire,children-return,pow-exchange")
            #expect(try c.value("select stance::text from parley.positions where party = 'Russia' and item = 'children-return'",
                                as: String.self) == "refuses")

            // Facts carry their sources; staff are example.org addresses.
            #expect(try c.value("select count(*)::int from parley.meetings where track = 'istanbul' and source is null", as: Int.self) == 0)
            #expect(try c.value("select count(*)::int from parley_data.figures where source_id is null and claimant_id is null",
                                as: Int.self) == 0)
            #expect(try c.value("select bool_and(email like '%@example.org') from parley_data.people", as: Bool.self))

            // Dated relative to the day of loading: one due tomorrow, one overdue.
            #expect(try c.value("select due_on - current_date from parley_data.commitments where code = 'demo-exchange-lists'",
                                as: Int.self) == 1)
            #expect(try c.value("select count(*)::int from parley.overdue_commitments where code = 'demo-children-list-reply'",
                                as: Int.self) == 1)
        }
    }

    @Test func importingAgainChangesNothing() throws {
        try TestDatabase.with { database in
            _ = try Self.importDemo(database)
            let connection = try database.connect()
            let before = try connection.dataChecksum()
            // What the first import gave parleyd to plan is planned (here: dropped); a second import that changes
            // nothing must give it nothing more, nor wake it (issue 12, item 13).
            try connection.execute("delete from parley_data.plan_queue")
            let again = try Self.importDemo(database)
            #expect(again.stdout.contains(": 0 new, 0 changed, "))
            #expect(try connection.dataChecksum() == before)
            let queued = try connection.query("select subject_type || ' ' || coalesce(subject_id::text, '') from parley_data.plan_queue")
                .map { try $0.decode(0, as: String.self) }
            #expect(queued.isEmpty, "a re-import that changes nothing queued \(queued)")
        }
    }

    @Test func datesRelativeToTheLoadDayKeepTheirFirstValue() throws {
        try TestDatabase.with { database in
            _ = try Self.importDemo(database)
            let connection = try database.connect()
            // As if the file had first been loaded a week earlier.
            try connection.execute("""
                update parley_data.commitments set made_on = made_on - 7, due_on = due_on - 7
                 where code like 'demo-%'
                """)
            try connection.execute("update parley_data.follow_ups set due_at = due_at - interval '7 days' where code like 'demo-%'")
            let before = try connection.dataChecksum()
            let again = try Self.importDemo(database)
            #expect(again.stdout.contains(": 0 new, 0 changed, "), "\(again.stdout)")
            #expect(try connection.dataChecksum() == before)
        }
    }

    @Test func aBrokenFileIsRefusedWithItsLineAndChangesNothing() throws {
        var lines = try String(contentsOfFile: Self.demo, encoding: .utf8).components(separatedBy: "\n")
        let code = try #require(lines.firstIndex(of: "  - code: ist-r2-bodies-ua"))
        let made = try #require(lines[code...].firstIndex(of: "    made_on: 2025-06-02"))
        lines.insert("    due_on: 2025-05-01", at: made + 1)
        let broken = try Self.temporaryFile("broken.yaml", lines.joined(separator: "\n"))
        let index = try #require(try DocumentFormat.yaml.read(lines.joined(separator: "\n"))["commitments"]?.elements
            .firstIndex { $0["code"]?.string == "ist-r2-bodies-ua" })

        try TestDatabase.with { database in
            let connection = try database.connect()
            let empty = try connection.dataChecksum()
            let run = try Self.run(["import", broken], database)
            #expect(run.status == Sysexits.dataError)
            #expect(run.stderr.hasPrefix(
                "parley: \(broken):\(made + 2): commitments[\(index)].due_on: 2025-05-01 is before made_on 2025-06-02\n"),
                "\(run.stderr)")
            #expect(run.stderr.contains("HINT: "))
            #expect(try connection.dataChecksum() == empty)

            _ = try Self.importDemo(database)
            let loaded = try connection.dataChecksum()
            #expect(try Self.run(["import", broken], database).status == Sysexits.dataError)
            #expect(try connection.dataChecksum() == loaded)
        }
    }

    @Test func unreadableAndMistypedFilesSayWhere() throws {
        let cases: [(String, String, String)] = [
            ("notyaml.yaml", "parties:\n  - code: UA\n    name: Ukraine\n  - code: RU\n   name: Russia\n", ":5: not valid YAML"),
            ("typo.yaml", "parties:\n  - code: UA\n    nmae: Ukraine\n", ":3: parties[0].nmae: unknown field \"nmae\""),
            ("missing.yaml", "parties:\n  - code: UA\n", ":2: parties[0].name: is required"),
            ("list.yaml", "tracks:\n  code: istanbul\n", ":1: tracks must be a list, not a mapping"),
            ("unknown.yaml", "parley: 1\ntreaties: []\n", ":2: treaties: unknown list \"treaties\""),
            ("twice.json", "{\"parties\": [{\"code\": \"UA\", \"name\": \"Ukraine\"},\n {\"code\": \"UA\", \"name\": \"Again\"}]}",
             ":2: parties[1].code: \"UA\" is given twice"),
            ("badjson.json", "{\"parties\": [\n {\"code\": \"UA\" \"name\": \"Ukraine\"}]}", ":2: expected ',' or '}'"),
            ("nul.yaml", "parties:\n  - code: NW\n    name: \"No\\0where\"\n", ":3: parties[0].name: holds a NUL character"),
            ("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n", "aliases expand the document"),
            ("date.yaml", "parties: [{code: UA, name: Ukraine}]\nitems: [{code: x, title: X}]\ntracks:\n  - code: t\n    name: T\n    format: bilateral\n    agenda:\n      - item: x\n        status_since: 16.05.2025\n",
             ":9: tracks[0].agenda[0].status_since: \"16.05.2025\" is not a date"),
        ]
        try TestDatabase.with { database in
            let connection = try database.connect()
            let before = try connection.dataChecksum()
            for (name, text, says) in cases {
                let file = try Self.temporaryFile(name, text)
                let run = try Self.run(["import", file], database)
                #expect(run.status == Sysexits.dataError, "\(name): \(run.stderr)")
                // Most name the line right after the file's name; an alias bomb's line is wherever its values came from.
                #expect(run.stderr.contains(says.hasPrefix(":") ? file + says : says), "\(name): \(run.stderr)")
            }
            #expect(try Self.run(["import", "/nonexistent/world.yaml"], database).stderr
                .contains("/nonexistent/world.yaml: cannot read the file"))
            #expect(try connection.dataChecksum() == before)
        }
    }

    @Test(arguments: ["yaml", "json"])
    func exportImportExportGivesTheSameFile(_ format: String) throws {
        try TestDatabase.with { first in
            _ = try Self.importDemo(first)
            let exported = try Self.run(["export", "--format", format], first)
            #expect(exported.status == 0, "\(exported.stderr)")
            let file = try Self.temporaryFile("world.\(format)", exported.stdout)
            try TestDatabase.with { second in
                let imported = try Self.run(["import", file], second)
                #expect(imported.status == 0, "\(imported.stderr)")
                let again = try Self.run(["export", "-o", file + ".again", "--format", format], second)
                #expect(again.status == 0, "\(again.stderr)")
                let text = try String(contentsOfFile: file + ".again", encoding: .utf8)
                #expect(text == exported.stdout)
                #expect(try first.connect().dataChecksum().count > 0)
            }
        }
    }

    @Test func aDryRunWritesNothingAndStandardInputIsRead() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let before = try connection.dataChecksum()
            let dry = try Self.run(["import", "--dry-run", Self.demo], database)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("dry run, nothing was written"))
            #expect(try connection.dataChecksum() == before)

            let json = Data(#"{"parties": [{"code": "UA", "name": "Ukraine"}]}"#.utf8)
            let piped = try Self.run(["import", "--quiet", "-"], database, input: json)
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(piped.stdout.isEmpty)
            #expect(try connection.value("select name from parley.parties", as: String.self) == "Ukraine")
        }
    }

    @Test func aWriterMayImportAndAReaderMayNot() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let suffix = UUID().uuidString.prefix(8).lowercased()
            let writer = "import_writer_\(suffix)", reader = "import_reader_\(suffix)"
            try connection.execute("create role \(try connection.escapeIdentifier(writer)) login in role parley_writer, parley_clearance_secret")
            try connection.execute("create role \(try connection.escapeIdentifier(reader)) login in role parley_reader")
            defer {
                _ = try? connection.execute("drop owned by \(writer), \(reader)")
                _ = try? connection.execute("drop role \(writer), \(reader)")
            }
            var environment = database.environment
            environment["PARLEY_DATABASE_URL"] = database.conninfo + " user=\(writer)"
            let written = try ProgramRun.run("parley", ["import", Self.demo], environment: environment)
            #expect(written.status == 0, "\(written.stderr)")
            #expect(try connection.value("select count(distinct changed_by)::int from parley_data.change_log", as: Int.self) == 1)
            #expect(try connection.value("select min(changed_by)::text from parley_data.change_log", as: String.self) == writer)

            environment["PARLEY_DATABASE_URL"] = database.conninfo + " user=\(reader)"
            let before = try connection.dataChecksum()
            let refused = try ProgramRun.run("parley", ["import", Self.demo], environment: environment)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("permission denied for function import_world"))
            #expect(try connection.dataChecksum() == before)
            let exported = try ProgramRun.run("parley", ["export"], environment: environment)
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(exported.stdout.contains("code: ist-r2-bodies-ru"))
        }
    }
}
