import ArgumentParser
import Parley

extension ParleyCommand.Commitments {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one commitment and every update recorded against it.",
            discussion: """
                Example:
                  parley commitments show ist-bodies-ru
                  parley commitments show ist-r4-swap@secret
                """)

        @Argument(help: "The commitment's code; code@level (ist-r4-swap@secret) when the code names commitments at several levels you may see.")
        var commitment: String

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let reference = try ClassifiedReference(commitment, field: "commitment")
                let connection = try connectForReading("commitments show")
                var record = ListingQuery(view: "commitments")
                record.naming(reference, codeColumn: "code")
                let listing = try record.listing(on: connection)
                let row = try reference.single(in: listing, kind: "commitment",
                                               hint: "parley commitments list --all shows the commitments you may see.")
                // Updates are kept at their commitment's level: that level tells them from those of another
                // commitment with the same code.
                let level = listing.columns.firstIndex(of: "classification").flatMap { row[$0] }
                var updates = ListingQuery(view: "commitment_updates")
                updates.equal("commitment", reference.code)
                updates.equal("classification", level)
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
