import ArgumentParser
import Parley

extension ParleyCommand.FollowUps {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the follow-ups still owed, soonest first, overdue ones flagged.",
            discussion: """
                Reads parley.follow_ups.

                Examples:
                  parley follow-ups list --assignee desk@example.org
                  parley follow-ups list --overdue --format json
                """)

        @Option(help: "Only this member of staff's follow-ups (e-mail).")
        var assignee: String?

        @Option(help: "Only follow-ups about this track (or its commitments and meetings).")
        var track: String?

        @Flag(help: "Only those whose due time has passed.")
        var overdue = false

        @OptionGroup var output: ListingOptions

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("follow-ups list")
                var query = ListingQuery(view: "follow_ups")
                query.equalIgnoringCase("assignee_email", assignee)
                query.equal("track", track)
                query.isTrue("overdue", when: overdue)
                try printListing(query, output, on: connection)
            }
        }
    }
}
