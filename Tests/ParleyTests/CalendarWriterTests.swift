import Foundation
import PQ
import Parley
import ParleyTestSupport
import PropertyBased
import Testing

/// The iCalendar writer on its own: escaping, folding, time zones, and what a real parser makes of the output.
@Suite struct CalendarWriterTests {
    static let created = Date(timeIntervalSince1970: 1_747_000_000)
    static let installation = UUID(uuidString: "7D2A4C1E-0000-4000-8000-000000000001")!

    static func meeting(
        code: String = "ist-r2", summary: String = "Round 2", description: String? = nil, location: String? = nil,
        zone: String = "Europe/Istanbul", start: Date = Date(timeIntervalSince1970: 1_748_858_400)
    ) -> CalendarEntry {
        CalendarEntry(kind: .meeting, code: code, track: "istanbul", timeZone: zone, summary: summary,
                      description: description, location: location, startsAt: start,
                      endsAt: start.addingTimeInterval(7200), status: "held", sequence: 2,
                      createdAt: created, updatedAt: created.addingTimeInterval(60))
    }

    static func write(_ entries: [CalendarEntry]) -> String {
        ICalendarWriter(name: "Parley test", version: "test", installation: installation).write(entries)
    }

    @Test func textEscapingKeepsEveryPropertyOnOneLine() {
        #expect(ICalendarText.escape("a,b;c\\d") == "a\\,b\\;c\\\\d")
        #expect(ICalendarText.escape("one\r\ntwo\nthree\rfour") == "one\\ntwo\\nthree\\nfour")
        #expect(ICalendarText.escape("bell\u{07}tab\tend\u{7F}") == "belltab\tend")
        #expect(ICalendarText.escape("line\u{2028}separator") == "line\\nseparator")
        #expect(!ICalendarText.escape("x\nEND:VEVENT\nBEGIN:VEVENT").contains("\n"))
    }

    @Test func foldingKeepsLinesAt75OctetsAndNeverSplitsACharacter() {
        let value = String(repeating: "Çırağan ", count: 30) + "🇺🇦 Київ"
        let folded = ICalendarText.line("SUMMARY", ICalendarText.escape(value))
        let lines = folded.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count > 1)
        for line in lines {
            #expect(line.utf8.count <= 75)
        }
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(Self.unfold(folded) == "SUMMARY:" + ICalendarText.escape(value) + "\r\n")
    }

    @Test func foldingPropertyEveryLineFitsAndUnfoldsBack() async {
        let text = Gen.oneOf(
            Gen.character(in: "a"..."z"), Gen.character(in: "\u{0400}"..."\u{04FF}"),
            Gen.character(in: "\u{1F300}"..."\u{1F64F}"), Gen.character(in: "\u{4E00}"..."\u{4E80}")
        ).string(of: 0...300)
        await propertyCheck(count: 200, input: text) { value in
            let folded = ICalendarText.fold("DESCRIPTION:" + value)
            #expect(folded.hasSuffix("\r\n"))
            let lines = folded.components(separatedBy: "\r\n").dropLast()
            #expect(lines.allSatisfy { $0.utf8.count <= 75 })
            #expect(Self.unfold(folded) == "DESCRIPTION:" + value + "\r\n")
        }
    }

    @Test func aMeetingIsAnEventAtItsLocalTimeWithItsTimeZone() throws {
        // 2 June 2025 10:00 UTC is 13:00 in Istanbul.
        let text = Self.write([Self.meeting(location: "Çırağan Palace, Istanbul")])
        #expect(text.contains("DTSTART;TZID=Europe/Istanbul:20250602T130000\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let components = try ICalendarParser.shared.parse(text)
        #expect(components.map(\.name) == ["VCALENDAR", "VTIMEZONE", "STANDARD", "VEVENT"])
        let event = try #require(components.first { $0.name == "VEVENT" })
        #expect(event.text("UID") == "meeting-ist-r2@7d2a4c1e-0000-4000-8000-000000000001.parley")
        #expect(event.text("LOCATION") == "Çırağan Palace, Istanbul")
        #expect(event.text("SEQUENCE") == "2")
        let start = try #require(event.values("DTSTART").first)
        #expect(start.parameters["TZID"] == "Europe/Istanbul")
        #expect(start.moment == "2025-06-02T10:00:00Z")
        #expect(event.values("DTEND").first?.moment == "2025-06-02T12:00:00Z")
        #expect(event.text("DTSTAMP") == "20250511T214740Z")
    }

    @Test func aTimeZoneWithSummerTimeListsItsChanges() throws {
        // Kyiv: +02:00 in winter, +03:00 from 30 March to 26 October 2025.
        let winter = Date(timeIntervalSince1970: 1_738_400_400)  // 1 February 2025, 09:00 UTC
        let summer = Date(timeIntervalSince1970: 1_751_328_000)  // 1 July 2025, 00:00 UTC
        let text = Self.write([Self.meeting(code: "a", zone: "Europe/Kyiv", start: winter),
                               Self.meeting(code: "b", zone: "Europe/Kyiv", start: summer)])
        let components = try ICalendarParser.shared.parse(text)
        let observances = components.filter { $0.name == "STANDARD" || $0.name == "DAYLIGHT" }
        #expect(observances.contains { $0.name == "DAYLIGHT" && $0.text("TZOFFSETTO") == "+0300"
            && $0.text("DTSTART")?.hasPrefix("20250330T03") == true })
        #expect(observances.contains { $0.name == "STANDARD" && $0.text("TZOFFSETTO") == "+0200"
            && $0.text("DTSTART")?.hasPrefix("20251026T04") == true })
        let starts = components.filter { $0.name == "VEVENT" }.compactMap { $0.values("DTSTART").first }
        #expect(starts.map(\.text) == ["20250201T110000", "20250701T030000"])
        #expect(starts.map(\.moment) == ["2025-02-01T09:00:00Z", "2025-07-01T00:00:00Z"])
    }

    @Test func deadlinesAreAllDayEventsAndFollowUpsAreToDos() throws {
        let deadline = CalendarEntry(
            kind: .deadline, code: "ist-bodies-ru", track: "istanbul", summary: "Due: Russia — return 6,000 bodies",
            dueOn: CalendarDate(year: 2025, month: 6, day: 30), status: "partially_fulfilled", sequence: 4,
            createdAt: Self.created, updatedAt: Self.created)
        let followUp = CalendarEntry(
            kind: .followUp, code: "F7", track: "istanbul", summary: "Chase the schedule", dueAt: Self.created,
            doneAt: Self.created.addingTimeInterval(3600), status: "done", createdAt: Self.created,
            updatedAt: Self.created, relatedTo: "commitment:ist-bodies-ru")
        let components = try ICalendarParser.shared.parse(Self.write([deadline, followUp]))
        let event = try #require(components.first { $0.name == "VEVENT" })
        #expect(event.text("UID") == "commitment-ist-bodies-ru@7d2a4c1e-0000-4000-8000-000000000001.parley")
        #expect(event.values("DTSTART").first?.moment == "2025-06-30")
        #expect(event.values("DTEND").first?.moment == "2025-07-01")
        #expect(event.values("DTSTART").first?.parameters["VALUE"] == "DATE")
        let todo = try #require(components.first { $0.name == "VTODO" })
        #expect(todo.text("UID") == "follow-up-F7@7d2a4c1e-0000-4000-8000-000000000001.parley")
        #expect(todo.text("STATUS") == "COMPLETED")
        #expect(todo.values("DUE").first?.moment == "2025-05-11T21:46:40Z")
        #expect(todo.text("RELATED-TO") == "commitment-ist-bodies-ru@7d2a4c1e-0000-4000-8000-000000000001.parley")
    }

    @Test func theSameEntriesAlwaysGiveTheSameText() {
        let entries = [Self.meeting(code: "b"), Self.meeting(code: "a")]
        #expect(Self.write(entries) == Self.write(entries.reversed()))
    }

    /// Whatever the text of a summary, description or location, the calendar parses, holds exactly the one event
    /// with exactly its properties, and gives the text back (line breaks as line breaks, control characters that
    /// iCalendar cannot carry left out).
    @Test func anyTextParsesAndCannotInjectAProperty() async throws {
        let characters = Gen.oneOf(
            Gen.ascii, Gen.ascii, Gen.character(in: "\u{0400}"..."\u{04FF}"), Gen.character(in: "\u{00C0}"..."\u{024F}"),
            Gen.character(in: "\u{1F300}"..."\u{1F64F}"), Gen.character(in: "\u{2028}"..."\u{2029}"),
            Gen<Character?>.element(of: ["\r\n", ":", ";", ",", "\\", "\"", "=", "\u{85}", "\n", "\r"] as [Character])
                .map { $0! })
        let text = characters.string(of: 0...160)
        await propertyCheck(count: 150, input: text, text, text) { summary, description, location in
            let entry = Self.meeting(summary: summary, description: description, location: location)
            let output = Self.write([entry])
            #expect(output.components(separatedBy: "\r\n").dropLast().allSatisfy { $0.utf8.count <= 75 })
            #expect(!output.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            #expect(!output.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
            let components: [ICalendarParser.Component]
            do {
                components = try ICalendarParser.shared.parse(output)
            } catch {
                Issue.record("the calendar does not parse: \(error)")
                return
            }
            let events = components.filter { $0.name == "VEVENT" }
            #expect(events.count == 1)
            #expect(components.count == 4)
            guard let event = events.first else { return }
            var expected = ["UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY",
                            "CATEGORIES", "STATUS"]
            if !description.isEmpty { expected.append("DESCRIPTION") }
            if !location.isEmpty { expected.append("LOCATION") }
            #expect(Set(event.properties.map(\.name)) == Set(expected))
            #expect(event.properties.count == expected.count)
            #expect(event.text("SUMMARY") == Self.plain(summary))
            if !description.isEmpty { #expect(event.text("DESCRIPTION") == Self.plain(description)) }
            if !location.isEmpty { #expect(event.text("LOCATION") == Self.plain(location)) }
        }
    }

    /// Unfolds content lines as a parser does (§3.1): CRLF followed by one blank is removed, scalar by scalar.
    static func unfold(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var index = 0
        while index + 2 < scalars.count {
            if scalars[index] == "\r" && scalars[index + 1] == "\n" && scalars[index + 2] == " " {
                scalars.removeSubrange(index..<index + 3)
            } else {
                index += 1
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// What a TEXT value carries of `text`: every kind of line break as `\n`, no other control characters.
    static func plain(_ text: String) -> String {
        var out = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": out += "\n"
            case "\n": if !previousWasCR { out += "\n" }
            case "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
