import ArgumentParser
import Parley

extension ParleyCommand.Subscriptions {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List alert subscriptions.",
            discussion: """
                Reads parley.subscriptions.

                Example:
                  parley subscriptions list --person desk@example.org
                """)

        @Option(help: "Only this person's subscriptions (e-mail).")
        var person: String?

        @Option(help: "Only subscriptions to this track.")
        var track: String?

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("subscriptions list")
                var query = ListingQuery(view: "subscriptions")
                query.equalIgnoringCase("person", person)
                query.equal("track", track)
                try printListing(query, output, on: connection)
            }
        }
    }
}
