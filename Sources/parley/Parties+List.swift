import ArgumentParser
import Parley

extension ParleyCommand.Parties {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the parties and the tracks they take part in.",
            discussion: """
                Reads parley.parties.

                Example:
                  parley parties list --format json
                """)

        @Option(help: "Only parties of this kind.")
        var kind: PartyKind?

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("parties list")
                var query = ListingQuery(view: "parties")
                query.equal("kind", kind?.rawValue)
                try printListing(query, output, on: connection)
            }
        }
    }
}
