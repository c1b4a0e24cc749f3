import ArgumentParser
import Parley

extension ParleyCommand.Tracks {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one track: its overview, members, agenda and open commitments.",
            discussion: """
                Example:
                  parley tracks show istanbul
                """)

        @Argument(help: "The track's code.")
        var code: String

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("tracks show")
                var overview = ListingQuery(view: "track_overview")
                overview.equal("track", code)
                let listing = try overview.listing(on: connection)
                guard let row = listing.rows.first else {
                    throw InputRefusal(message: "track \"\(code)\" does not exist",
                                       hint: "parley tracks list shows the tracks you may see.")
                }
                if output.format != .table {
                    try printListing(overview, output, on: connection, whole: true)
                    return
                }
                let width = listing.columns.map(\.count).max() ?? 0
                for (column, value) in zip(listing.columns, row) {
                    print(column.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (value ?? ""))
                }
                for (title, view) in [("Members", "members"), ("Agenda", "agenda"), ("Open commitments", "open_commitments")] {
                    var query = ListingQuery(view: view)
                    query.equal("track", code)
                    if view == "open_commitments" {
                        query.columns = ["code", "item", "obligor", "due_on", "days_left", "status", "target", "delivered", "owner"]
                    }
                    print("\n" + title)
                    try printListing(query, output, on: connection, whole: true)
                }
            }
        }
    }
}
