import ArgumentParser
import Parley

extension ParleyCommand.Meetings {
    struct Outcome: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a meeting was held and what came of it.",
            discussion: """
                Calls parley.record_meeting_outcome; recording it again replaces the summary.

                Example:
                  parley meetings outcome ist-r1 --outcome "Agreed a 1,000-for-1,000 prisoner exchange" \\
                    --ends-at "2025-05-16 14:10" --source pravda-2025-05-16
                """)

        @Argument(help: "The meeting's code.")
        var meeting: String

        @Option(help: "What came of it.")
        var outcome: String

        @Option(help: "When it ended; without a UTC offset, on the track's clock.")
        var endsAt: String?

        @Option(help: "The code of the source the outcome is recorded from.")
        var source: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("meetings outcome")
                if let zone = try connection.timeZone(ofMeeting: meeting) { try connection.useClock(of: zone) }
                let moments = try readMoments([("--ends-at", endsAt)], on: connection)
                var call = FunctionCall("record_meeting_outcome")
                call.set("meeting", meeting)
                call.set("outcome", outcome)
                call.set("ends_at", moments[0])
                call.set("source", source)
                try call.run(on: connection)
            }
        }
    }
}
