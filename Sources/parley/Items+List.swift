import ArgumentParser
import Parley

extension ParleyCommand.Items {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the agendas: each item on each track, its status, commitments and stances.",
            discussion: """
                Reads parley.agenda.

                Examples:
                  parley items list --track istanbul
                  parley items list --item ceasefire --format json
                """)

        @Option(help: "Only this track's agenda.")
        var track: String?

        @Option(help: "Only this item, on every track.")
        var item: String?

        @Option(help: "Only items with this status.")
        var status: AgendaStatus?

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("items list")
                var query = ListingQuery(view: "agenda")
                query.equal("track", track)
                query.equal("item", item)
                query.equal("status", status?.rawValue)
                try printListing(query, output, on: connection)
            }
        }
    }
}
