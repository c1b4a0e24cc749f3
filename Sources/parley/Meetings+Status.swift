import ArgumentParser
import Parley

extension ParleyCommand.Meetings {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Postpone, cancel or reschedule a meeting.",
            discussion: """
                Calls parley.set_meeting_status. Times and location left out keep their value.

                Examples:
                  parley meetings status ist-r4 postponed
                  parley meetings status ist-r4 scheduled --starts-at "2025-09-01 11:00"
                """)

        @Argument(help: "The meeting's code.")
        var meeting: String

        @Argument(help: "The meeting's new status.")
        var status: MeetingStatus

        @Option(help: "A new start; without a UTC offset, on the track's clock.")
        var startsAt: String?

        @Option(help: "A new end; without a UTC offset, on the track's clock.")
        var endsAt: String?

        @Option(help: "A new place.")
        var location: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("meetings status")
                if let zone = try connection.timeZone(ofMeeting: meeting) { try connection.useClock(of: zone) }
                let moments = try readMoments([("--starts-at", startsAt), ("--ends-at", endsAt)], on: connection)
                var call = FunctionCall("set_meeting_status")
                call.set("meeting", meeting)
                call.set("status", status.rawValue)
                call.set("starts_at", moments[0])
                call.set("ends_at", moments[1])
                call.set("location", location)
                try call.run(on: connection)
            }
        }
    }
}
