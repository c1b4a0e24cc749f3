import ArgumentParser
import Parley

extension ParleyCommand.Positions {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List each party's latest stance on each item, with the stance it held before.",
            discussion: """
                Reads parley.positions. --party takes the party's name as the view shows it.

                Example:
                  parley positions list --item ceasefire --track istanbul
                """)

        @Option(help: "Only positions on this item.")
        var item: String?

        @Option(help: "Only positions stated on this track.")
        var track: String?

        @Option(help: "Only this party's positions (its name, e.g. Russia).")
        var party: String?

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("positions list")
                var query = ListingQuery(view: "positions")
                query.equal("item", item)
                query.equal("track", track)
                query.equal("party", party)
                try printListing(query, output, on: connection)
            }
        }
    }
}
