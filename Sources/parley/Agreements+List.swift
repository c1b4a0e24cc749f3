import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List agreements: those that have not ended (default), or all.",
            discussion: """
                Reads parley.agreements: only what you are cleared to see. parley.expiring_agreements lists the \
                terms ending soon and the last days to object to automatic renewals (--expiring).

                Examples:
                  parley agreements list --track istanbul
                  parley agreements list --all --format csv > agreements.csv
                  parley agreements list --expiring
                """)

        @Option(help: "Only agreements on this track.")
        var track: String?

        @Option(help: "Only agreements with this status.")
        var status: AgreementStatus?

        @Option(help: "Only agreements of this kind.")
        var kind: AgreementKind?

        @Flag(help: "Agreements that have ended too (expired, terminated, superseded).")
        var all = false

        @Flag(help: "Terms ending within 60 days (or ended with no renewal), and the last days to object to renewals.")
        var expiring = false

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("agreements list")
                if expiring {
                    var query = ListingQuery(view: "expiring_agreements")
                    query.columns = ["agreement", "title", "status", "tracks", "what", "term", "on_day", "days_left",
                                     "renewal", "owner"]
                    query.listIncludes("tracks", track)
                    query.equal("status", status?.rawValue)
                    try printListing(query, output, on: connection)
                    return
                }
                var query = ListingQuery(view: "agreements")
                query.columns = ["code", "title", "kind", "status", "status_since", "tracks", "parties", "in_force_since",
                                 "term_ends_on", "days_left", "renewal", "renewals", "suspended_parties",
                                 "withdrawn_parties", "provisions", "implementation_pct"]
                query.listIncludes("tracks", track)
                query.equal("status", status?.rawValue)
                query.equal("kind", kind?.rawValue)
                // Which statuses have ended is the database's to say (parley_data.agreement_has_ended).
                query.isTrue("open", when: !all && status == nil)
                try printListing(query, output, on: connection)
            }
        }
    }
}
