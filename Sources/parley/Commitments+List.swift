import ArgumentParser
import Parley

extension ParleyCommand.Commitments {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List commitments: open ones (default), overdue ones, or all.",
            discussion: """
                Reads parley.commitments, soonest deadline first: only what you are cleared to see.

                Examples:
                  parley commitments list --track istanbul
                  parley commitments list --overdue --owner desk@example.org
                  parley commitments list --all --format csv > commitments.csv
                """)

        @Option(help: "Only this track's commitments.")
        var track: String?

        @Option(help: "Only commitments about this agenda item.")
        var item: String?

        @Option(help: "Only commitments of this party.")
        var obligor: String?

        @Option(help: "Only commitments followed up by this member of staff (e-mail).")
        var owner: String?

        @Option(help: "Only commitments with this status.")
        var status: CommitmentStatus?

        @Flag(help: "Only open commitments whose deadline has passed.")
        var overdue = false

        @Flag(help: "Commitments no longer open too (fulfilled, breached, withdrawn, superseded).")
        var all = false

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("commitments list")
                var query = ListingQuery(view: "commitments")
                query.columns = ["code", "track", "item", "obligor", "beneficiaries", "text", "made_on", "due_on",
                                 "days_left", "status", "target", "unit", "delivered", "progress_pct", "owner", "deal"]
                query.equal("track", track)
                query.equal("item", item)
                query.equal("obligor", obligor)
                query.equalIgnoringCase("owner_email", owner)
                query.equal("status", status?.rawValue)
                query.isTrue("overdue", when: overdue)
                // Which statuses are open is the database's to say (parley_data.commitment_is_live).
                query.isTrue("open", when: !all && status == nil && !overdue)
                try printListing(query, output, on: connection)
            }
        }
    }
}
