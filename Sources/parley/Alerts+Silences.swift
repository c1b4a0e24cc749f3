import ArgumentParser
import Parley

extension ParleyCommand.Alerts {
    struct Silences: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List silences, those in force first.",
            discussion: """
                Reads parley.silences.

                Examples:
                  parley alerts silences
                  parley alerts silences --in-force --format json
                """)

        @Flag(help: "Only silences in force now.")
        var inForce = false

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("alerts silences")
                var query = ListingQuery(view: "silences")
                query.isTrue("in_force", when: inForce)
                try printListing(query, output, on: connection)
            }
        }
    }
}
