import ArgumentParser
import Parley

extension ParleyCommand.Sources {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sources.",
            discussion: """
                Reads parley.sources.

                Example:
                  parley sources list --format csv
                """)

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("sources list")
                try printListing(ListingQuery(view: "sources"), output, on: connection)
            }
        }
    }
}
