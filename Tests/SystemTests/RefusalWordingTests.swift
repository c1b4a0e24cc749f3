import Foundation
import PQ
import ParleyTestSupport
import Testing

/// Refusals in the user's own terms, through the built binary: a YAML file indented with a tab says so; a time the
/// refusal repeats is in the offset the user wrote it in, or on the clock of the track (or person) concerned, never
/// in the server's UTC; a negative number given with a space is refused as negative, not as a missing value. Each is
/// refused with exit status 65 and leaves the database as it was.
@Suite struct RefusalWordingTests {
    /// TestWorld (track istanbul on Istanbul's clock, +03:00; its lead and owner on Berlin's, +02:00 in summer) with
    /// an overdue commitment, its alerts planned, a follow-up and a silence, both already ended.
    static func world(_ database: TestDatabase) throws -> Connection {
        let connection = try database.connect()
        try TestWorld.create(on: connection)
        try TestWorld.addCommitment(on: connection, code: "ist-swap", dueInDays: -5)
        try connection.execute("select * from parley.plan_alerts(now())")
        try connection.execute("""
            select parley.add_follow_up(assignee => $1, due_at => '2025-06-01 09:00+02', note => 'Ask for the lists',
                   commitment => 'ist-swap', code => 'fu-lists')
            """, [TestWorld.owner])
        try connection.execute("select parley.complete_follow_up('fu-lists', done_at => '2025-06-02 16:30+02')")
        try connection.execute("""
            select parley.silence(track => 'istanbul', until => now() + interval '1 day', reason => 'Round in progress')
            """)
        try connection.execute("select parley.lift_silence((select max(id) from parley_data.silences))")
        // The server's own clock is UTC (the test cluster's): what the CLI echoes must not fall back to it.
        let zone: String = try connection.value("select current_setting('TimeZone')")
        #expect(zone == "UTC")
        return connection
    }

    /// Runs `parley` and checks that it was refused (65) with every one of `says`, none of `never`, and nothing
    /// changed.
    static func refused(
        _ arguments: [String], says: [String], never: [String] = [], _ database: TestDatabase, _ connection: Connection
    ) throws {
        let before = try connection.dataChecksum()
        let run = try ProgramRun.run("parley", arguments, environment: database.environment)
        #expect(run.status == 65, "\(arguments): exit \(run.status)\n\(run.stderr)")
        for text in says {
            #expect(run.stderr.contains(text), "\(arguments): missing \"\(text)\" in:\n\(run.stderr)")
        }
        for text in never {
            #expect(!run.stderr.contains(text), "\(arguments): \"\(text)\" in:\n\(run.stderr)")
        }
        #expect(try connection.dataChecksum() == before, "\(arguments) changed the database")
    }

    @Test func aTabUsedForIndentationIsNamedWithItsLine() throws {
        try TestDatabase.with { database in
            let connection = try Self.world(database)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tabbed-\(UUID().uuidString).yaml")
            defer { try? FileManager.default.removeItem(at: file) }
            try "parties:\n  - code: XX\n    name: Tabland\n\tkind: state\n".write(to: file, atomically: true, encoding: .utf8)
            try Self.refused(["import", file.path],
                             says: ["\(file.path):4: a tab is used for indentation; YAML indents with spaces only"],
                             never: ["cannot start any token", "while scanning"], database, connection)
            // A tab at the start of a list item, and in Windows line ends.
            try "parties:\r\n\t- code: XX\r\n  name: Tabland\r\n".write(to: file, atomically: true, encoding: .utf8)
            try Self.refused(["import", file.path], says: ["\(file.path):2: a tab is used for indentation"], database, connection)
        }
    }

    @Test func timesAreRepeatedInTheOffsetTheUserWrote() throws {
        try TestDatabase.with { database in
            let connection = try Self.world(database)
            let meeting = ["meetings", "add", "ist-r9", "--track", "istanbul", "--title", "Round 9"]
            try Self.refused(meeting + ["--starts-at", "2025-06-01T10:00:00+02:00", "--ends-at", "2025-06-01T09:00:00+02:00"],
                             says: ["ends_at 2025-06-01 09:00:00+02 is before starts_at 2025-06-01 10:00:00+02"],
                             never: ["+00"], database, connection)
            try Self.refused(meeting + ["--starts-at", "2025-06-01 10:00 America/New_York", "--ends-at", "2025-06-01 09:00 America/New_York"],
                             says: ["ends_at 2025-06-01 09:00:00-04 is before starts_at 2025-06-01 10:00:00-04"], database, connection)
            let alert: Int64 = try connection.value(
                "select max(id) from parley_data.alerts where subject_code = 'ist-swap' and kind = 'overdue'")
            try Self.refused(["alerts", "snooze", String(alert), "--until", "2020-01-01 10:00+05"],
                             says: ["until 2020-01-01 10:00:00+05 is not after the alert's due time"], never: ["+00"],
                             database, connection)
            try Self.refused(["alerts", "silence", "--track", "istanbul", "--until", "2020-01-01 10:00 Asia/Tokyo", "--reason", "x"],
                             says: ["until 2020-01-01 10:00:00+09 is not in the future"], database, connection)
            // Each time of the meeting in the offset it was written in, the import says them as the file does.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("meeting-\(UUID().uuidString).yaml")
            defer { try? FileManager.default.removeItem(at: file) }
            try """
                meetings:
                  - code: ist-r9
                    track: istanbul
                    title: Round 9
                    starts_at: 2025-06-01T10:00:00+02:00
                    ends_at: 2025-06-01T09:00:00+02:00
                """.write(to: file, atomically: true, encoding: .utf8)
            try Self.refused(["import", file.path],
                             says: ["2025-06-01T09:00:00+02:00 is before starts_at 2025-06-01T10:00:00+02:00"],
                             never: ["+00"], database, connection)
        }
    }

    @Test func timesWithoutAnOffsetAreRepeatedOnTheClockTheyWereReadOn() throws {
        try TestDatabase.with { database in
            let connection = try Self.world(database)
            // The track's clock: Istanbul, +03.
            try Self.refused(["meetings", "add", "ist-r9", "--track", "istanbul", "--title", "Round 9",
                              "--starts-at", "2025-06-01 10:00", "--ends-at", "2025-06-01 09:00"],
                             says: ["ends_at 2025-06-01 09:00:00+03 is before starts_at 2025-06-01 10:00:00+03"],
                             database, connection)
            let alert: Int64 = try connection.value(
                "select max(id) from parley_data.alerts where subject_code = 'ist-swap' and kind = 'overdue'")
            try Self.refused(["alerts", "snooze", String(alert), "--until", "2020-01-01 10:00"],
                             says: ["until 2020-01-01 10:00:00+03 is not after the alert's due time"], never: ["+00"],
                             database, connection)
            // Times the refusal repeats from the database, on the clock of the track or person concerned.
            let silence: Int64 = try connection.value("select max(id) from parley_data.silences")
            let lifted: String = try connection.value(
                "select to_char(lifted_at at time zone 'Europe/Istanbul', 'YYYY-MM-DD HH24:MI') from parley_data.silences where id = $1",
                [silence])
            try Self.refused(["alerts", "lift", String(silence)],
                             says: ["silence \(silence) was already lifted at \(lifted)", "+03 by"], database, connection)
            // The assignee's clock: Berlin, +02 in June.
            try Self.refused(["follow-ups", "done", "fu-lists"],
                             says: ["follow-up \"fu-lists\" was already completed at 2025-06-02 16:30:00+02"], database, connection)
        }
    }

    @Test func aNegativeNumberAfterASpaceIsRefusedAsNegative() throws {
        try TestDatabase.with { database in
            let connection = try Self.world(database)
            try Self.refused(["commitments", "progress", "ist-swap", "--delivered", "-5"],
                             says: ["delivered -5 is negative"], never: ["Missing value"], database, connection)
            try Self.refused(["commitments", "add", "--track", "istanbul", "--item", "pow-exchange", "--obligor", "RU",
                              "--beneficiary", "UA", "--text", "Hand over", "--target", "-10"],
                             says: ["target_quantity -10 is not positive"], never: ["Missing value"], database, connection)
            try Self.refused(["commitments", "edit", "ist-swap", "--target", "-10"],
                             says: ["target_quantity -10 is not positive"], never: ["Missing value"], database, connection)
            try Self.refused(["alerts", "silence", "--track", "istanbul", "--for", "-2 days", "--reason", "x"],
                             says: ["is not in the future"], never: ["Missing value"], database, connection)
        }
    }
}
