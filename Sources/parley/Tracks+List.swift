import ArgumentParser
import Parley

extension ParleyCommand.Tracks {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tracks with their parties, agenda and open commitments.",
            discussion: """
                Reads parley.track_overview: only what you are cleared to see.

                Examples:
                  parley tracks list
                  parley tracks list --status active --format csv > tracks.csv
                """)

        @Option(help: "Only tracks with this status: active, paused or concluded.")
        var status: TrackStatus?

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("tracks list")
                var query = ListingQuery(view: "track_overview")
                query.equal("status", status?.rawValue)
                try printListing(query, output, on: connection)
            }
        }
    }
}
