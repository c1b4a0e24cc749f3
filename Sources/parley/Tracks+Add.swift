import ArgumentParser
import Parley

extension ParleyCommand.Tracks {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a negotiation track.",
            discussion: """
                Calls parley.add_track. Prints the track's code.

                Example:
                  parley tracks add istanbul --name "Istanbul direct talks" \\
                    --format bilateral --timezone Europe/Istanbul \\
                    --venue "Istanbul, Türkiye" --lead desk@example.org
                """)

        @Argument(help: "The track's code: 1 to 40 letters, digits, dots, dashes or underscores (e.g. istanbul).")
        var code: String

        @Option(help: "The track's name, one line.")
        var name: String

        @Option(help: "How many sides the track has.")
        var format: TrackFormat

        @Option(help: "The IANA time zone its deadlines and meetings are read in (default UTC), e.g. Europe/Istanbul.")
        var timezone: String?

        @Option(help: "Where the talks are held.")
        var venue: String?

        @Option(help: "What the track is about.")
        var description: String?

        @Option(help: "How sensitive the track is (default unclassified); not above your own clearance.")
        var classification: Classification?

        @Option(help: "The e-mail of the member of staff who answers for the track.")
        var lead: String?

        @Option(help: "Whether the track is going on (default active).")
        var status: TrackStatus?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("tracks add")
                var call = FunctionCall("add_track")
                call.set("code", code)
                call.set("name", name)
                call.set("format", format.rawValue)
                call.set("timezone", timezone)
                call.set("venue", venue)
                call.set("description", description)
                call.set("classification", classification?.rawValue)
                call.set("lead", lead)
                call.set("status", status?.rawValue)
                report(try call.run(on: connection))
            }
        }
    }
}
