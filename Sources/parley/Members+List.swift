import ArgumentParser
import Parley

extension ParleyCommand.Members {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List who takes part in the tracks, and as what.",
            discussion: """
                Reads parley.members.

                Examples:
                  parley members list --track istanbul
                  parley members list --party QA
                """)

        @Option(help: "Only this track's members.")
        var track: String?

        @Option(help: "Only this party's memberships.")
        var party: String?

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("members list")
                var query = ListingQuery(view: "members")
                query.equal("track", track)
                query.equal("party", party)
                try printListing(query, output, on: connection)
            }
        }
    }
}
