import ArgumentParser
import Parley

/// The `parley` command line: migrations, data entry, import and export, alerts, calendars, status.
struct ParleyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Track multi-party negotiations: tracks, commitments, deadlines and the alerts they raise.",
        discussion: """
            Connects with PARLEY_DATABASE_URL when set (a libpq connection string or postgresql:// URL), otherwise \
            with libpq's defaults (PGHOST, PGDATABASE, PGUSER, PGSERVICE, ~/.pgpass). The commands that only read \
            (listings, show, status, calendar, export, digest, brief) connect with PARLEY_READ_DATABASE_URL instead when \
            it is set: a hot standby, for instance.

            Exit status (sysexits): 0 done; 64 bad arguments; 65 input refused, nothing written; 69 sendmail \
            missing; 70 internal error; 71 a system call failed; 73 an output file cannot be written; 75 try again \
            later (the database cannot be reached; deliveries to retry); 77 permission refused: the login lacks the \
            role the command needs (the message names it; select * from parley.whoami shows yours) or the record \
            is classified above its clearance, nothing written; 78 a setting to fix, or a schema to migrate.
            """,
        version: ParleyVersion.current,
        subcommands: [Migrate.self, Status.self, Alerts.self, Digest.self, Tracks.self, Parties.self, Members.self,
                      Items.self, Meetings.self, Commitments.self, Positions.self, Figures.self, FollowUps.self,
                      People.self, Subscriptions.self, Sources.self, Agreements.self, Import.self, Export.self, CalendarCommand.self,
                      BriefCommand.self]
    )
}
