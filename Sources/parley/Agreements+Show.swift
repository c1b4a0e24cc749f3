import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one agreement: where it stands, its parties, terms, history and provisions.",
            discussion: """
                Example:
                  parley agreements show energy-moratorium
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("agreements show")
                var record = ListingQuery(view: "agreements")
                record.equal("code", agreement)
                let listing = try record.listing(on: connection)
                guard let row = listing.rows.first else {
                    throw InputRefusal(message: "agreement \"\(agreement)\" does not exist",
                                       hint: "parley agreements list --all shows the agreements you may see.")
                }
                var history = ListingQuery(view: "agreement_events")
                history.columns = ["occurred_on", "kind", "party", "description", "source"]
                history.equal("ref", agreement)
                // One row per track of the agreement: its first track's tell the whole story once.
                let tracks = listing.columns.firstIndex(of: "tracks").flatMap { row[$0] } ?? nil
                history.equal("track", tracks.map { String($0.split(separator: ",")[0]) })
                guard output.format == .table else {
                    try printListing(record, output, on: connection, whole: true)
                    return
                }
                let width = listing.columns.map(\.count).max() ?? 0
                for (column, value) in zip(listing.columns, row) {
                    print(column.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (value ?? ""))
                }
                var parties = ListingQuery(view: "agreement_parties")
                parties.columns = ["party", "party_name", "role", "signed_on", "participation", "participation_since", "note"]
                parties.equal("agreement", agreement)
                var terms = ListingQuery(view: "agreement_terms")
                terms.columns = ["term", "starts_on", "ends_on", "length", "renewal", "objection_deadline_on", "agreed_on",
                                 "agreed_by", "source", "claims", "contested"]
                terms.equal("agreement", agreement)
                var provisions = ListingQuery(view: "implementation")
                provisions.columns = ["article", "commitment", "obligor", "item", "status", "delivered", "target", "score",
                                      "scored_by", "evidence_on", "evidence", "evidence_source"]
                provisions.equal("agreement", agreement)
                for (title, query) in [("Parties", parties), ("Terms", terms), ("History", history),
                                       ("Provisions and implementation (0 not initiated … 3 full)", provisions)] {
                    print("\n" + title)
                    try printListing(query, output, on: connection, whole: true)
                }
            }
        }
    }
}
