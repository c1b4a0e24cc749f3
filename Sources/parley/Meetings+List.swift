import ArgumentParser
import Parley

extension ParleyCommand.Meetings {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List meetings, or only the upcoming ones with what is due before them.",
            discussion: """
                Reads parley.meetings (every meeting, in date order), or parley.upcoming_meetings with --upcoming.

                Examples:
                  parley meetings list --track istanbul
                  parley meetings list --upcoming
                """)

        @Option(help: "Only this track's meetings.")
        var track: String?

        @Option(help: "Only meetings with this status.")
        var status: MeetingStatus?

        @Flag(help: "Only scheduled meetings from now on, with the open commitments due before each.")
        var upcoming = false

        @OptionGroup var output: ListingOptions

        func validate() throws {
            if upcoming && status != nil {
                throw ValidationError("--status: upcoming meetings are the scheduled ones; leave out --status or --upcoming.")
            }
        }

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("meetings list")
                var query = ListingQuery(view: upcoming ? "upcoming_meetings" : "meetings")
                query.equal("track", track)
                query.equal("status", status?.rawValue)
                try printListing(query, output, on: connection)
            }
        }
    }
}
