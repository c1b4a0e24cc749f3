import ArgumentParser
import Parley

extension ParleyCommand {
    /// `parley calendar`: meetings, deadlines, follow-ups and agreements' term ends as an iCalendar file.
    struct CalendarCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Write meetings, deadlines, follow-ups and agreements' term ends as an iCalendar (RFC 5545) file.",
            discussion: """
                Meetings are events at their track's local time (TZID with a VTIMEZONE); deadlines are all-day \
                events; follow-ups are to-dos with a due time; the last day of an agreement's term, and the last \
                day to object to an automatic renewal, are all-day events on its first track. UIDs are stable \
                (meeting-CODE@INSTALLATION.parley, commitment-CODE@INSTALLATION.parley, \
                follow-up-CODE@INSTALLATION.parley, term-end-AGREEMENT/TERM@INSTALLATION.parley, where INSTALLATION is \
                the database's own identity, select parley.installation_id()) and SEQUENCE counts the changes, so \
                a calendar that subscribes to the file (served by any web server, or refreshed by cron) updates its \
                entries instead of adding new ones, and the calendars of two Parley databases never mix up \
                entries with the same code.

                --person gives what that person leads, owns, is assigned or subscribes to.

                Examples:
                  parley calendar -o parley.ics
                  parley calendar --track istanbul -o istanbul.ics
                  parley calendar --person desk@example.org > desk.ics
                """)

        @Option(help: "Only this track's meetings, deadlines and follow-ups.")
        var track: String?

        @Option(help: "Only what concerns this member of staff (e-mail).")
        var person: String?

        @Option(name: [.short, .customLong("output")], help: "Write to this file (replaced whole) instead of standard output.")
        var output: String?

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("calendar")
                if let track, try connection.timeZone(ofTrack: track) == nil {
                    throw InputRefusal(message: "track \"\(track)\" does not exist",
                                       hint: "parley tracks list shows the tracks you may see.")
                }
                if let person, try connection.timeZone(ofPerson: person) == nil {
                    throw InputRefusal(message: "person \"\(person)\" does not exist",
                                       hint: "parley people list shows the staff.")
                }
                let entries = try CalendarEntry.load(track: track, person: person, on: connection)
                let name = ["Parley", track, person].compactMap { $0 }.joined(separator: " — ")
                let writer = ICalendarWriter(
                    name: name, version: ParleyVersion.current, installation: try Installation.id(on: connection))
                let text = writer.write(entries)
                try writeOutput(text, to: output)
            }
        }
    }
}
