import ArgumentParser
import Parley

extension ParleyCommand.Commitments {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one commitment and every update recorded against it.",
            discussion: """
                Example:
                  parley commitments show ist-bodies-ru
                """)

        @Argument(help: "The commitment's code.")
        var commitment: String

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("commitments show")
                var record = ListingQuery(view: "commitments")
                record.equal("code", commitment)
                let listing = try record.listing(on: connection)
                guard let row = listing.rows.first else {
                    throw InputRefusal(message: "commitment \"\(commitment)\" does not exist",
                                       hint: "parley commitments list --all shows the commitments you may see.")
                }
                var updates = ListingQuery(view: "commitment_updates")
                updates.equal("commitment", commitment)
                guard output.format == .table else {
                    try printListing(updates, output, on: connection, whole: true)
                    return
                }
                let width = listing.columns.map(\.count).max() ?? 0
                for (column, value) in zip(listing.columns, row) {
                    print(column.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (value ?? ""))
                }
                print("\nUpdates")
                try printListing(updates, output, on: connection, whole: true)
            }
        }
    }
}
