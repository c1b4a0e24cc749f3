import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley calendar` on the demo scenario, read back by a real iCalendar parser (Python's icalendar).
@Suite struct CalendarCommandTests {
    static func loadDemo(_ database: TestDatabase) throws {
        let run = try ProgramRun.run("parley", ["import", "--quiet", ImportCommandTests.demo], environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// The database's identity, as calendar UIDs carry it (`parley.installation_id()`).
    static func installation(_ database: TestDatabase) throws -> String {
        try database.connect().value("select parley.installation_id()::text")
    }

    static func calendar(_ arguments: [String], _ database: TestDatabase) throws -> [ICalendarParser.Component] {
        let run = try ProgramRun.run("parley", ["calendar"] + arguments, environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(run.stdout.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!run.stdout.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(run.stdout.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        return try ICalendarParser.shared.parse(run.stdout)
    }

    @Test func theEventsAreTheMeetingsAtTheirTracksLocalTime() throws {
        try TestDatabase.with { database in
            try Self.loadDemo(database)
            let here = try Self.installation(database)
            let connection = try database.connect()
            let components = try Self.calendar([], database)
            let meetings = try connection.query("""
                select m.code, t.timezone, to_char(m.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start
                  from parley_data.meetings m join parley_data.tracks t on t.id = m.track_id order by m.code
                """)
            let events = components.filter { $0.name == "VEVENT" && $0.text("UID")?.hasPrefix("meeting-") == true }
            #expect(events.count == meetings.count)
            for row in meetings {
                let code: String = try row.decode("code")
                let zone: String = try row.decode("timezone")
                let utcStart: String = try row.decode("start")
                let uid = "meeting-\(code)@\(here).parley"
                let event = events.first { $0.text("UID") == uid }
                #expect(event != nil, "no event for meeting \(code)")
                let start = event?.values("DTSTART").first
                #expect(start?.parameters["TZID"] == zone)
                #expect(start?.moment == utcStart, "\(code)")
            }
            // A VTIMEZONE for every zone the meetings use.
            let zones = Set(components.filter { $0.name == "VTIMEZONE" }.compactMap { $0.text("TZID") })
            #expect(zones == ["Asia/Dubai", "Europe/Brussels", "Europe/Istanbul", "Europe/Kyiv"])

            // Deadlines are all-day events, follow-ups to-dos.
            let deadlines = components.filter { $0.text("UID")?.hasPrefix("commitment-") == true }
            let withDeadline: Int = try connection.value(
                "select count(*)::int from parley_data.commitments where due_on is not null")
            #expect(deadlines.count == withDeadline)
            let soon = try #require(deadlines.first { $0.text("UID") == "commitment-demo-exchange-lists@\(here).parley" })
            let due: String = try connection.value("select due_on::text from parley_data.commitments where code = 'demo-exchange-lists'")
            #expect(soon.values("DTSTART").first?.moment == due)
            let todos = components.filter { $0.name == "VTODO" }
            #expect(todos.count == 4)
            #expect(todos.filter { $0.text("STATUS") == "COMPLETED" }.count == 2)
            let round2 = try #require(events.first { $0.text("UID") == "meeting-ist-r2@\(here).parley" })
            #expect(round2.text("LOCATION") == "Çırağan Palace, Istanbul")
            #expect(round2.text("DESCRIPTION")?.contains("6,000-for-6,000 return") == true)
        }
    }

    @Test func aCalendarForATrackOrAPersonHoldsWhatConcernsThem() throws {
        try TestDatabase.with { database in
            try Self.loadDemo(database)
            let here = try Self.installation(database)
            let istanbul = try Self.calendar(["--track", "istanbul"], database)
            let uids = istanbul.compactMap { $0.text("UID") }
            #expect(uids.contains("meeting-ist-r1@\(here).parley"))
            #expect(!uids.contains { $0.hasPrefix("meeting-tri-") || $0.hasPrefix("meeting-nato-") })
            #expect(istanbul.filter { $0.name == "VTIMEZONE" }.compactMap { $0.text("TZID") } == ["Europe/Istanbul"])

            let analyst = try Self.calendar(["--person", "children.analyst@example.org"], database)
            let mine = Set(analyst.compactMap { $0.text("UID") })
            #expect(mine.contains("meeting-zuppi-kyiv-2023@\(here).parley"))           // the track she leads
            #expect(mine.contains("commitment-demo-children-list-reply@\(here).parley"))  // a commitment she owns
            #expect(mine.contains("follow-up-fu-bodies-count@\(here).parley"))         // her follow-up
            #expect(!mine.contains("follow-up-fu-ist-r2-memorandum@\(here).parley"))   // someone else's
            #expect(!mine.contains("meeting-nato-hague-2025@\(here).parley"))
        }
    }

    @Test func uidsStayAndSequenceGrowsWhenAMeetingMoves() throws {
        try TestDatabase.with { database in
            try Self.loadDemo(database)
            let here = try Self.installation(database)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-calendar-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let file = directory.appendingPathComponent("parley.ics").path
            let first = try ProgramRun.run("parley", ["calendar", "-o", file], environment: database.environment)
            #expect(first.status == 0 && first.stdout.isEmpty, "\(first.stderr)")
            let before = try String(contentsOfFile: file, encoding: .utf8)
            let same = try ProgramRun.run("parley", ["calendar"], environment: database.environment)
            #expect(same.stdout == before)

            let moved = try ProgramRun.run("parley", ["meetings", "status", "ist-r3", "held", "--starts-at", "2025-07-23 19:00",
                                                      "--ends-at", "2025-07-23 19:40"], environment: database.environment)
            #expect(moved.status == 0, "\(moved.stderr)")
            let after = try ICalendarParser.shared.parse(
                try ProgramRun.run("parley", ["calendar"], environment: database.environment).stdout)
            let event = try #require(after.first { $0.text("UID") == "meeting-ist-r3@\(here).parley" })
            let earlier = try ICalendarParser.shared.parse(before).first { $0.text("UID") == "meeting-ist-r3@\(here).parley" }
            #expect(Int(event.text("SEQUENCE") ?? "") == Int(earlier?.text("SEQUENCE") ?? "")! + 1)
            #expect(event.values("DTSTART").first?.moment == "2025-07-23T16:00:00Z")
            #expect(after.filter { $0.text("UID") == "meeting-ist-r3@\(here).parley" }.count == 1)
        }
    }

    /// The UIDs and RELATED-TO references of a calendar, in full.
    static func identities(_ arguments: [String], _ database: TestDatabase, environment: [String: String]? = nil) throws
        -> (uids: Set<String>, related: Set<String>)
    {
        let run = try ProgramRun.run("parley", ["calendar"] + arguments, environment: environment ?? database.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let components = try ICalendarParser.shared.parse(run.stdout)
        return (Set(components.compactMap { $0.text("UID") }), Set(components.compactMap { $0.text("RELATED-TO") }))
    }

    @Test func twoInstallationsWithTheSameCodesNeverShareAUID() throws {
        try TestDatabase.with { headquarters in
            try TestDatabase.with(empty: true) { embassy in
                // Two Parley installations (each migrated on its own) with the same records, so the same codes: one
                // calendar client holds both calendars.
                let migrated = try ProgramRun.run("parley", ["migrate"], environment: embassy.environment)
                #expect(migrated.status == 0, "\(migrated.stderr)")
                try Self.loadDemo(headquarters)
                try Self.loadDemo(embassy)
                let here = try Self.identities([], headquarters)
                let there = try Self.identities([], embassy)
                #expect(here.uids.count >= 20)
                #expect(here.uids.isDisjoint(with: there.uids))
                // The same things, told apart only by the installation.
                func codes(_ uids: Set<String>) -> Set<String> { Set(uids.map { String($0.prefix { $0 != "@" }) }) }
                #expect(codes(here.uids) == codes(there.uids))
                // A follow-up's RELATED-TO names what it is about in its own installation.
                let installation = try Self.installation(headquarters)
                #expect(!here.related.isEmpty)
                #expect(here.related.allSatisfy { $0.hasSuffix("@\(installation).parley") })
                #expect(here.related.isDisjoint(with: there.related))
                #expect(here.related.contains("meeting-ist-r2@\(installation).parley"))
                #expect(here.uids.contains("meeting-ist-r2@\(installation).parley"))

                // The same database gives the same UIDs run after run, whoever reads it.
                let again = try Self.identities([], headquarters)
                #expect(again.uids == here.uids && again.related == here.related)
                let connection = try headquarters.connect()
                let reader = "calendar_reader_" + UUID().uuidString.prefix(8).lowercased()
                try connection.execute("create role \(try connection.escapeIdentifier(reader)) login in role parley_reader, parley_clearance_secret")
                defer { _ = try? connection.execute("drop role \(try connection.escapeIdentifier(reader))") }
                var environment = headquarters.environment
                environment["PARLEY_DATABASE_URL"] = headquarters.conninfo + " user=\(reader)"
                #expect(try Self.identities([], headquarters, environment: environment).uids == here.uids)
            }
        }
    }
}
