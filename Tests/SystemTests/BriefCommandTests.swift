import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley brief` end to end: the built binary writes the demo's next meeting brief, headless Chromium renders it
/// to PDF and PNG, poppler reads the PDF back, html5lib parses the HTML; and a reader without clearance gets a
/// brief with nothing classified in it, on the row-level security fixture of the SQL tests.
@Suite struct BriefCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A directory for one test's files (a failed test's PDF and PNG are there to look at).
    static func scratch(_ name: String) throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("parley-brief-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theDemosNextMeetingBriefReadsOnScreenAndPrintsWithItsMarkingOnEveryPage() throws {
        try TestDatabase.with { database in
            let imported = try ProgramRun.run(
                "parley", ["import", Self.root.appendingPathComponent("examples/demo.yaml").path], environment: database.environment)
            #expect(imported.status == 0, "\(imported.stderr)")
            let directory = try Self.scratch("demo")
            let htmlFile = directory.appendingPathComponent("brief.html")
            let pdfFile = directory.appendingPathComponent("brief.pdf")
            let run = try ProgramRun.run(
                "parley", ["brief", "demo-tri-next", "-o", htmlFile.path, "--pdf", pdfFile.path],
                environment: database.environment, timeout: .seconds(180))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.isEmpty)
            let html = try String(contentsOf: htmlFile, encoding: .utf8)

            // The HTML parses without an error, runs nothing and loads nothing.
            let check = try #require(try HTMLCheck.run([html]).first)
            #expect(check.error == nil, "\(check.error ?? "")")
            #expect(check.scripts == 0 && check.eventAttributes == 0 && check.loaded.isEmpty)
            #expect(check.title.hasSuffix("— RESTRICTED"))

            // The PDF that --pdf wrote: a sane number of A4 pages, each marked at its top and its bottom.
            let printed = try RenderedPage.pdfPages(pdfFile)
            #expect((2...8).contains(printed.count), "\(printed.count) pages")
            for (number, page) in printed.enumerated() {
                let lines = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                #expect(lines.first == "RESTRICTED", "page \(number + 1) starts with \(lines.first ?? "nothing")")
                #expect(lines.last == "RESTRICTED", "page \(number + 1) ends with \(lines.last ?? "nothing")")
            }
            let text = printed.joined(separator: "\n").split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
            for expected in [
                // The meeting, its place and who attends.
                "trilateral working group on ceasefire monitoring", "Abu Dhabi", "local time at the venue (Asia/Dubai)",
                "United Arab Emirates", "mediator, principal",
                // The open commitments, one of them the restricted one that makes the marking.
                "demo-exchange-lists", "send the list of prisoners for the next exchange", "demo-ceasefire-monitoring",
                "circulate a draft on ceasefire monitoring",
                // Stances, the deliveries chart, the disputed figures with their claimants, compliance.
                "refuses", "Delivered (prisoners)", "target 157 prisoners", "6,057", "6,060", "19,546", "35,000",
                "Compliance per party", "No agreement in force recorded on this track.", "Since the last meeting", "Sources",
            ] {
                #expect(text.contains(expected), "the PDF does not say: \(expected)")
            }

            // On screen: Chromium's rendering of the same file is a page with something on it.
            let rendered = try RenderedPage.render(html, name: "brief", in: directory)
            #expect(rendered.inkShare > 0.03, "ink \(rendered.inkShare)")
            #expect(rendered.colours > 20)
            #expect(rendered.pages.count == printed.count)
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Loads the fixture of the SQL view tests (rows at every level, markers ZRESTR, ZCONF, ZSECRET in what they
    /// show) with its roles renamed to this test's, and makes a login per clearance.
    static func rlsFixture(_ database: TestDatabase) throws -> (logins: [String: String], drop: () -> Void) {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        var fixture = try String(contentsOf: Self.root.appendingPathComponent("Tests/sql/200_views_fixture.psql"), encoding: .utf8)
        fixture = fixture.replacingOccurrences(of: "views_", with: "brief_\(suffix)_views_")
        var logins: [String: String] = [:]
        for (level, roles) in [("unclassified", "parley_reader"), ("confidential", "parley_reader, parley_clearance_confidential"),
                               ("secret", "parley_reader, parley_clearance_secret")] {
            let login = "brief_\(suffix)_\(level)"
            logins[level] = login
            fixture += "\ncreate role \(login) login in role \(roles);\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("brief-fixture-\(suffix).psql")
        try fixture.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try ToolRun.run("/usr/bin/env", ["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", database.name, "-f", file.path])
        guard loaded.status == 0 else { throw ToolRun.Failure(description: "the fixture did not load: \(loaded.stderr)") }
        let roles = logins.values.map { $0 } + ["reader", "confidential", "secret", "writer"].map { "brief_\(suffix)_views_\($0)" }
        return (logins, {
            guard let connection = try? database.connect() else { return }
            for role in roles { _ = try? connection.execute("drop role if exists \(role)") }
        })
    }

    static func brief(_ arguments: [String], as login: String, _ database: TestDatabase) throws -> ProgramRun {
        var environment = database.environment
        environment["PARLEY_DATABASE_URL"] = database.conninfo + " user=\(login)"
        return try ProgramRun.run("parley", ["brief"] + arguments, environment: environment)
    }

    @Test func aReaderWithoutClearanceGetsABriefWithNothingClassifiedInIt() throws {
        try TestDatabase.with { database in
            let (logins, drop) = try Self.rlsFixture(database)
            defer { drop() }
            for arguments in [["IST-R4"], ["--track", "istanbul"]] {
                let uncleared = try Self.brief(arguments, as: logins["unclassified"]!, database)
                #expect(uncleared.status == 0, "\(uncleared.stderr)")
                for marker in ["ZRESTR", "ZCONF", "ZSECRET", "RESTRICTED", "CONFIDENTIAL", "SECRET"] {
                    #expect(!uncleared.stdout.contains(marker), "\(arguments): an uncleared reader's brief holds \(marker)")
                }
                #expect(uncleared.stdout.contains("<title>Brief: ") && uncleared.stdout.contains("— UNCLASSIFIED</title>"))
                // What it may see is there: the open commitments and figures of the track.
                for expected in ["OVER3-RU", "Return 1,200 more prisoners", "LIST-UA", "6,057", "6,060", "Prepare the round 4 brief"] {
                    #expect(uncleared.stdout.contains(expected), "\(arguments): missing \(expected)")
                }

                let confidential = try Self.brief(arguments, as: logins["confidential"]!, database)
                #expect(confidential.status == 0, "\(confidential.stderr)")
                #expect(confidential.stdout.contains("ZCONF additional exchange") && confidential.stdout.contains("ZRESTR ceasefire"))
                #expect(!confidential.stdout.contains("ZSECRET"))
                #expect(confidential.stdout.contains("— CONFIDENTIAL</title>"))

                let secret = try Self.brief(arguments, as: logins["secret"]!, database)
                #expect(secret.status == 0, "\(secret.stderr)")
                #expect(secret.stdout.contains("ZSECRET return through a mediator"))
                #expect(secret.stdout.contains("— SECRET</title>"))
            }
            // A meeting above the reader's clearance is, to them, a meeting that does not exist.
            let hidden = try Self.brief(["ZCONF-MTG"], as: logins["unclassified"]!, database)
            #expect(hidden.status == 65)
            #expect(hidden.stderr.contains("meeting \"ZCONF-MTG\" does not exist, or you are not cleared to see it"))
        }
    }

    @Test func badRequestsAreRefusedWithTheRuleAndChangeNothing() throws {
        try TestDatabase.with { database in
            let environment = database.environment
            let unknown = try ProgramRun.run("parley", ["brief", "no-such-meeting"], environment: environment)
            #expect(unknown.status == 65)
            #expect(unknown.stderr.contains("meeting \"no-such-meeting\" does not exist, or you are not cleared to see it"))
            #expect(unknown.stdout.isEmpty)
            let noTrack = try ProgramRun.run("parley", ["brief", "--track", "nowhere"], environment: environment)
            #expect(noTrack.status == 65 && noTrack.stderr.contains("track \"nowhere\" does not exist"))
            for (arguments, says) in [
                ([], "Give a meeting's code, or --track CODE"),
                (["ist-r1", "--track", "istanbul"], "not both"),
                (["ist-r1", "--timezone", "Mars/Olympus"], "--timezone: \"Mars/Olympus\" is not a time zone"),
            ] {
                let run = try ProgramRun.run("parley", ["brief"] + arguments, environment: environment)
                #expect(run.status == 64, "\(arguments)")
                #expect(run.stderr.contains(says), "\(arguments): \(run.stderr)")
            }
            // No Chromium: a clear word on how to install it, status 69 (EX_UNAVAILABLE), no file written.
            var without = environment
            without["PARLEY_CHROMIUM"] = "/nonexistent/chromium"
            let pdf = FileManager.default.temporaryDirectory.appendingPathComponent("brief-\(UUID().uuidString).pdf")
            let missing = try ProgramRun.run("parley", ["brief", "ist-r1", "--pdf", pdf.path], environment: without)
            #expect(missing.status == 69)
            #expect(missing.stderr.contains("`apt-get install chromium` as root"))
            #expect(!FileManager.default.fileExists(atPath: pdf.path))
        }
    }
}
