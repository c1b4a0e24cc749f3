import ArgumentParser
import Parley

extension ParleyCommand.People {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the staff, the tracks they lead and what they have open.",
            discussion: """
                Reads parley.people.

                Example:
                  parley people list --active
                """)

        @Flag(help: "Only people still active.")
        var active = false

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("people list")
                var query = ListingQuery(view: "people")
                query.isTrue("active", when: active)
                try printListing(query, output, on: connection)
            }
        }
    }
}
