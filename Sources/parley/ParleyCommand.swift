import ArgumentParser
import Parley

/// The `parley` command line: migrations, data entry, import and export, alerts, calendars, status.
struct ParleyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Track multi-party negotiations: tracks, commitments, deadlines and the alerts they raise.",
        discussion: """
            Connects with PARLEY_DATABASE_URL when set (a libpq connection string or postgresql:// URL), otherwise \
            with libpq's defaults (PGHOST, PGDATABASE, PGUSER, PGSERVICE, ~/.pgpass).
            """,
        version: ParleyVersion.current,
        subcommands: [Migrate.self, Status.self, Alerts.self, Digest.self, Tracks.self, Parties.self, Members.self,
                      Items.self, Meetings.self, Commitments.self, Positions.self, Figures.self, FollowUps.self,
                      People.self, Subscriptions.self, Sources.self, Import.self, Export.self, CalendarCommand.self,
                      BriefCommand.self]
    )
}
