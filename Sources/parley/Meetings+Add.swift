import ArgumentParser
import Parley

extension ParleyCommand.Meetings {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule (or record) a meeting of a track.",
            discussion: """
                Calls parley.add_meeting. Prints the meeting's code.

                Example:
                  parley meetings add ist-r2 --track istanbul --title "Round 2" \\
                    --starts-at "2025-06-02 13:00" --location "Çırağan Palace"
                """)

        @Argument(help: "The meeting's code, e.g. ist-r2.")
        var code: String

        @Option(help: "The track's code.")
        var track: String

        @Option(help: "What the meeting is, one line.")
        var title: String

        @Option(help: "When it starts; without a UTC offset, on the track's clock.")
        var startsAt: String

        @Option(help: "When it ends; without a UTC offset, on the track's clock.")
        var endsAt: String?

        @Option(help: "Where it is held.")
        var location: String?

        @Option(help: "How sensitive it is (default unclassified).")
        var classification: Classification?

        @Option(help: "The code of the source it is recorded from.")
        var source: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("meetings add")
                if let zone = try connection.timeZone(ofTrack: track) { try connection.useClock(of: zone) }
                let moments = try readMoments([("--starts-at", startsAt), ("--ends-at", endsAt)], on: connection)
                var call = FunctionCall("add_meeting")
                call.set("code", code)
                call.set("track", track)
                call.set("title", title)
                call.set("starts_at", moments[0])
                call.set("ends_at", moments[1])
                call.set("location", location)
                call.set("classification", classification?.rawValue)
                call.set("source", source)
                report(try call.run(on: connection))
            }
        }
    }
}
