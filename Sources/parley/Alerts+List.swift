import ArgumentParser
import Parley

extension ParleyCommand.Alerts {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List alerts: the planned ones (default), or all with their fate.",
            discussion: """
                Reads parley.alerts, newest first: only alerts you are cleared to see. Use an alert's id with \
                `parley alerts ack` and `parley alerts snooze`.

                Examples:
                  parley alerts list
                  parley alerts list --track istanbul --kind overdue
                  parley alerts list --all --format csv
                """)

        @Option(help: "Only alerts about this track.")
        var track: String?

        @Option(help: "Only alerts of this kind.")
        var kind: AlertKind?

        @Option(help: "Only alerts about this commitment, meeting or follow-up (its code).")
        var subject: String?

        @Flag(help: "Acknowledged and cancelled alerts too.")
        var all = false

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("alerts list")
                var query = ListingQuery(view: "alerts")
                query.equal("track", track)
                query.equal("kind", kind?.rawValue)
                query.equal("subject", subject)
                if !all { query.equal("state", "planned") }
                try printListing(query, output, on: connection)
            }
        }
    }
}
