import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley import --dry-run` and `--verbose` list each change field by field (issue 12, item 5): a file that would
/// move a deadline back says so before anyone imports it, and a real import can say what it did.
@Suite struct ImportChangeListingTests {
    /// The demo with a deadline moved, a venue renamed and one party added.
    static func olderDemo() throws -> String {
        var text = try String(contentsOfFile: ImportCommandTests.demo, encoding: .utf8)
        text = try Self.replacing("    due_on: 2025-05-25\n    target_quantity: 1000\n    unit: prisoners\n    deal: ist-1000-for-1000\n",
                                  with: "    due_on: 2025-05-18\n    target_quantity: 1000\n    unit: prisoners\n    deal: ist-1000-for-1000\n",
                                  in: text)
        text = try Self.replacing("    venue: Istanbul, Türkiye\n", with: "    venue: Ankara, Türkiye\n", in: text)
        text = try Self.replacing("  - code: VA\n", with: "  - code: MT\n    name: Malta\n  - code: VA\n", in: text)
        return try ImportCommandTests.temporaryFile("older.yaml", text)
    }

    static func replacing(_ old: String, with new: String, in text: String) throws -> String {
        let range = try #require(text.range(of: old), "the demo no longer holds \(old.debugDescription)")
        return text.replacingCharacters(in: range, with: new)
    }

    /// The lines before the summary line.
    static func listed(_ run: ProgramRun) -> [String] {
        Array(run.stdout.split(separator: "\n").map(String.init).dropLast())
    }

    @Test func aDryRunListsEveryFieldItWouldOverwriteAndWritesNothing() throws {
        let older = try Self.olderDemo()
        try TestDatabase.with { database in
            _ = try ImportCommandTests.importDemo(database)
            let connection = try database.connect()
            let before = try connection.dataChecksum()

            let dry = try ImportCommandTests.run(["import", "--dry-run", older], database)
            #expect(dry.status == 0, "\(dry.stderr)")
            // Changes to recorded work, each field with its value before and after; the added party is counted in
            // the summary, not listed (a dry run is for what would be overwritten).
            #expect(Set(Self.listed(dry)) == [
                "commitment ist-r1-swap-ru: due_on 2025-05-25 → 2025-05-18",
                "track istanbul: venue Istanbul, Türkiye → Ankara, Türkiye",
            ], "\(dry.stdout)")
            #expect(dry.stdout.hasSuffix("1 new, 2 changed, 134 unchanged (parties 1, tracks 1, commitments 1) — dry run, nothing was written\n"),
                    "\(dry.stdout)")
            #expect(try connection.dataChecksum() == before)

            // The same file as it is in the database: nothing to list.
            let same = try ImportCommandTests.run(["import", "--dry-run", ImportCommandTests.demo], database)
            #expect(Self.listed(same).isEmpty, "\(same.stdout)")
        }
    }

    @Test func aVerboseImportListsWhatItChangedAndAdded() throws {
        let older = try Self.olderDemo()
        try TestDatabase.with { database in
            _ = try ImportCommandTests.importDemo(database)
            let run = try ImportCommandTests.run(["import", "--verbose", older], database)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(Set(Self.listed(run)) == [
                "new party MT",
                "commitment ist-r1-swap-ru: due_on 2025-05-25 → 2025-05-18",
                "track istanbul: venue Istanbul, Türkiye → Ankara, Türkiye",
            ], "\(run.stdout)")
            let connection = try database.connect()
            #expect(try connection.value("select due_on::text from parley.commitments where code = 'ist-r1-swap-ru'",
                                         as: String.self) == "2025-05-18")
        }
    }

    @Test func aVerboseFirstImportListsEachNewRecordOnce() throws {
        try TestDatabase.with { database in
            let run = try ImportCommandTests.run(["import", "--verbose", ImportCommandTests.demo], database)
            #expect(run.status == 0, "\(run.stderr)")
            let listed = Self.listed(run)
            // One line per record added, and no field lines: a record's first values are not changes, even when
            // the import wrote it in two steps (before it wrote a new commitment once, as its updates leave it).
            #expect(listed.allSatisfy { $0.hasPrefix("new ") }, "\(listed.filter { !$0.hasPrefix("new ") })")
            // The summary counts records of the file; a commitment's beneficiaries are links it carries, listed too.
            #expect(listed.filter { !$0.hasPrefix("new beneficiary of ") }.count == 136, "\(listed.count) lines")
            #expect(listed.contains("new beneficiary of ist-r1-swap-ru → UA"), "\(listed)")
            #expect(listed.contains("new commitment ist-r1-swap-ru"))
            #expect(run.stdout.contains(": 136 new, 0 changed, 0 unchanged"))
        }
    }

    @Test func quietAndVerboseTogetherAreRefused() throws {
        try TestDatabase.with { database in
            let run = try ImportCommandTests.run(["import", "--quiet", "--verbose", ImportCommandTests.demo], database)
            #expect(run.status == Sysexits.usage, "\(run.stderr)")
            #expect(run.stderr.contains("--quiet and --verbose"))
            #expect(try database.connect().value("select count(*)::int from parley_data.parties", as: Int.self) == 0)
        }
    }
}
