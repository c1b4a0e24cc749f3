import ArgumentParser
import Parley

extension ParleyCommand.Tracks {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a track: name, status, venue, time zone, description, classification, lead, format.",
            discussion: """
                Calls parley.update_track. Options left out keep their value; an empty value ("") clears the venue, \
                the description or the lead.

                Example:
                  parley tracks update trilateral --venue "Abu Dhabi, UAE" --timezone Asia/Dubai
                """)

        @Argument(help: "The track's code.")
        var code: String

        @Option(help: "A new name.")
        var name: String?

        @Option(help: "Whether the track is going on.")
        var status: TrackStatus?

        @Option(help: "Where the talks are held (\"\" clears it).")
        var venue: String?

        @Option(help: "The IANA time zone, e.g. Asia/Dubai.")
        var timezone: String?

        @Option(help: "What the track is about (\"\" clears it).")
        var description: String?

        @Option(help: "How sensitive the track is; not above your own clearance.")
        var classification: Classification?

        @Option(help: "The e-mail of the member of staff who answers for the track (\"\" clears it).")
        var lead: String?

        @Option(help: "How many sides the track has.")
        var format: TrackFormat?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("tracks update")
                var call = FunctionCall("update_track")
                call.set("track", code)
                call.set("name", name)
                call.set("status", status?.rawValue)
                call.set("venue", venue)
                call.set("timezone", timezone)
                call.set("description", description)
                call.set("classification", classification?.rawValue)
                call.set("lead", lead)
                call.set("format", format?.rawValue)
                try call.run(on: connection)
            }
        }
    }
}
