import Foundation
import PQ
import ParleyTestSupport
import Testing

/// `parley … list` on a terminal fits its width (COLUMNS, or the terminal's own size): long text is cut with "…".
/// The whole text stays where it is asked for: `show`, `--format csv|json`, and any output that is not a terminal.
/// Run through the built binary with its output on a real pseudo-terminal.
@Suite struct ListingWidthTests {
    /// Every listing subcommand.
    static let listings: [[String]] = [
        ["commitments", "list", "--all"], ["tracks", "list"], ["parties", "list"], ["people", "list"],
        ["sources", "list"], ["items", "list"], ["meetings", "list"], ["members", "list"], ["positions", "list"],
        ["figures", "list"], ["follow-ups", "list"], ["subscriptions", "list"], ["alerts", "list", "--all"],
        ["alerts", "silences"],
    ]

    /// The demo scenario with alerts planned and a silence, so that every listing has rows.
    static func demo(_ database: TestDatabase) throws {
        let run = try ProgramRun.run("parley", ["import", "--quiet", ImportCommandTests.demo], environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let connection = try database.connect()
        try connection.execute("select * from parley.plan_alerts(now())")
        try connection.execute("""
            select parley.silence(track => 'istanbul', until => now() + interval '3 days',
                                  reason => 'Round in progress; the delegation asked for quiet until the communiqué is out')
            """)
    }

    /// The longest line, in terminal columns (the demo's text has no double-width characters).
    static func widest(_ text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
    }

    static let longText = "DEMO (dates relative to the load day) — answer on the list of deported children handed over in round 2."

    @Test func aListingOnATerminalFitsItsWidthAndCutsLongText() throws {
        try TestDatabase.with { database in
            try Self.demo(database)
            var environment = database.environment
            environment["COLUMNS"] = "200"
            let wide = try TerminalRun.run("parley", ["commitments", "list"], environment: environment, columns: 80)
            #expect(wide.status == 0, "\(wide.stderr)")
            #expect(Self.widest(wide.output) <= 200)
            #expect(wide.output.contains("…"))
            #expect(!wide.output.contains(Self.longText))
            // The codes are whole, so that `show` can be asked for the whole text.
            #expect(wide.output.contains("demo-children-list-reply "))

            // Without COLUMNS, the terminal's own size.
            environment["COLUMNS"] = nil
            let narrow = try TerminalRun.run("parley", ["commitments", "list"], environment: environment, columns: 90)
            #expect(narrow.status == 0, "\(narrow.stderr)")
            #expect(Self.widest(narrow.output) <= 90)
            #expect(narrow.output.contains("demo-children-list-reply"))
            #expect(narrow.output.contains("…"))
        }
    }

    @Test func theWholeTextStaysInShowInCSVAndJSONAndOffTheTerminal() throws {
        try TestDatabase.with { database in
            try Self.demo(database)
            var environment = database.environment
            environment["COLUMNS"] = "80"
            for arguments in [["commitments", "show", "demo-children-list-reply"],
                              ["commitments", "list", "--format", "csv"], ["commitments", "list", "--format", "json"]] {
                let run = try TerminalRun.run("parley", arguments, environment: environment, columns: 80)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                #expect(run.output.contains(Self.longText), "\(arguments) cut the text")
            }
            // Not a terminal (a pipe, a file, cron): whole, whatever COLUMNS says.
            let piped = try ProgramRun.run("parley", ["commitments", "list"], environment: environment)
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(piped.stdout.contains(Self.longText))
            #expect(!piped.stdout.contains("…"))
            #expect(Self.widest(piped.stdout) > 200)
        }
    }

    @Test(arguments: [60, 100, 160])
    func everyListingFitsTheTerminal(columns: Int) throws {
        try TestDatabase.with { database in
            try Self.demo(database)
            var environment = database.environment
            environment["COLUMNS"] = String(columns)
            for arguments in Self.listings {
                let run = try TerminalRun.run("parley", arguments, environment: environment, columns: 80)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                #expect(Self.widest(run.output) <= columns, "\(arguments) at \(columns) columns:\n\(run.output)")
                #expect(run.output.hasSuffix(" rows)\n") || run.output.hasSuffix("(1 row)\n"), "\(arguments)")
                // The same listing off the terminal has rows: what fits on the terminal is the same records.
                let piped = try ProgramRun.run("parley", arguments, environment: environment)
                let count = piped.stdout.split(separator: "\n").last.map(String.init)
                #expect(run.output.split(separator: "\n").last.map(String.init) == count, "\(arguments)")
                #expect(count != "(0 rows)", "\(arguments) lists nothing: the test shows nothing about it")
            }
        }
    }
}
