import ArgumentParser
import Parley

extension ParleyCommand.Tracks {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one track: its overview, members, agenda and open commitments.",
            discussion: """
                Example:
                  parley tracks show istanbul
                  parley tracks show talks@secret
                """)

        @Argument(help: "The track's code; code@level (talks@secret) when the code names tracks at several levels you may see.")
        var code: String

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let reference = try ClassifiedReference(code, field: "track")
                let connection = try connectForReading("tracks show")
                var overview = ListingQuery(view: "track_overview")
                overview.naming(reference, codeColumn: "track")
                let listing = try overview.listing(on: connection)
                let row = try reference.single(in: listing, kind: "track",
                                               hint: "parley tracks list shows the tracks you may see.")
                if output.format != .table {
                    try printListing(overview, output, on: connection, whole: true)
                    return
                }
                let width = listing.columns.map(\.count).max() ?? 0
                for (column, value) in zip(listing.columns, row) {
                    print(column.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (value ?? ""))
                }
                // The listings below name the track by its code alone, so they hold the rows of every track with
                // that code the login may see: said, when there are several.
                var sameCode = ListingQuery(view: "track_overview")
                sameCode.equal("track", reference.code)
                sameCode.columns = ["classification"]
                let levels = try sameCode.listing(on: connection).rows.compactMap { $0.first ?? nil }
                if levels.count > 1 {
                    print("\nNote: \(levels.count) tracks you may see have the code \(reference.code) (at "
                          + levels.joined(separator: ", ") + "); the lists below hold all of them. "
                          + "Give one another code with parley.rename('track', ...).")
                }
                for (title, view) in [("Members", "members"), ("Agenda", "agenda"), ("Open commitments", "open_commitments")] {
                    var query = ListingQuery(view: view)
                    query.equal("track", reference.code)
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
