import ArgumentParser
import Parley

extension ParleyCommand.Figures {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the latest figure of each indicator by claimant and source, or the contested ones.",
            discussion: """
                Reads parley.figures, or parley.contested_figures with --contested.

                Examples:
                  parley figures list --indicator children-deported
                  parley figures list --contested
                """)

        @Option(help: "Only this indicator.")
        var indicator: String?

        @Option(help: "Only figures about this agenda item.")
        var item: String?

        @Flag(help: "Only indicators whose claims disagree, with the spread.")
        var contested = false

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("figures list")
                var query = ListingQuery(view: contested ? "contested_figures" : "figures")
                query.equal("indicator", indicator)
                query.equal("item", item)
                try printListing(query, output, on: connection)
            }
        }
    }
}
