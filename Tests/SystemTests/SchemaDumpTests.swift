import Foundation
import ParleyTestSupport
import Testing

/// The schema a migrated database has is the one checked in as Tests/schema.sql (as graphile-worker keeps
/// its schema dump): a change to sql/ shows its effect on the schema as a diff of that file, and forgetting to
/// regenerate it (`make schema`) fails here.
@Suite struct SchemaDumpTests {
    @Test func aMigratedDatabaseHasTheCheckedInSchema() throws {
        try TestDatabase.with { database in
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let process = Process()
            process.executableURL = root.appendingPathComponent("scripts/schema-dump.sh")
            process.arguments = [database.name]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let dumped = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let checkedIn = try String(contentsOf: root.appendingPathComponent("Tests/schema.sql"), encoding: .utf8)
            if dumped != checkedIn {
                let dumpedLines = dumped.split(separator: "\n", omittingEmptySubsequences: false)
                let checkedLines = checkedIn.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(dumpedLines, checkedLines).enumerated().first { $0.element.0 != $0.element.1 }
                Issue.record("""
                    Tests/schema.sql differs from a migrated database (run `make schema` and commit the result); \
                    first difference at line \((first?.offset ?? min(dumpedLines.count, checkedLines.count)) + 1):
                      database:   \(first.map { String($0.element.0) } ?? "(end)")
                      checked in: \(first.map { String($0.element.1) } ?? "(end)")
                    """)
            }
        }
    }
}
