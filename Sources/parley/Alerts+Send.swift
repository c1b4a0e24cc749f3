import ArgumentParser
import Foundation
import PQ
import Parley

extension ParleyCommand.Alerts {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mail the alerts that are due: one digest per recipient, through sendmail.",
            discussion: """
                Works in rounds of 500 deliveries: claims them (FOR UPDATE SKIP LOCKED, with a lease, so overlapping \
                runs never send one twice and a run that dies leaves its claims to the next) and fixes one digest \
                per recipient with its Message-ID, renders the digests on every core, pipes each to \
                `$PARLEY_SENDMAIL -t -oi` (several at once) and marks the round sent. A run that dies before \
                marking sends its last round again, under the same Message-IDs. A failed attempt is retried after a \
                back-off (1 min, 5 min, 30 min, 2 h, 6 h); after the last one the delivery is listed in \
                parley.delivery_failures and one line goes to stderr.

                Prints nothing when all went well. Exit status: 0 done; 75 some deliveries could not be sent (they \
                are retried, or the database cannot be reached); 78 bad configuration; 69 sendmail missing; 73 --to-dir \
                not writable; 77 the login lacks the role parley_daemon.

                Settings (environment, or PARLEY_ENV_FILE, default /etc/parley/parley.env, for what the environment \
                does not set): PARLEY_MAIL_FROM (default Parley <parley@FQDN>), PARLEY_MAIL_MAX_CLASSIFICATION \
                (default restricted: details of alerts classified higher are not mailed), PARLEY_SENDMAIL (default \
                /usr/sbin/sendmail), PARLEY_SENDMAIL_TIMEOUT (seconds, default 60), PARLEY_MAIL_CONCURRENCY \
                (sendmail processes at once, 1 to 32, default 4), PARLEY_DATABASE_URL.

                Examples:
                  parley alerts send
                  parley alerts send --dry-run --limit 20 | less
                  parley alerts send --to-dir /var/tmp/parley-mail --verbose
                """)

        @Option(
            name: .customLong("to-dir"),
            help: ArgumentHelp("Write each message to DIR as a .eml file instead of running sendmail (marks them sent).",
                               valueName: "DIR"))
        var toDirectory: String?

        @Flag(help: "Print the messages a run would send (an mbox on stdout); claim, send and mark nothing.")
        var dryRun = false

        @Flag(help: "Say what was sent, one line per message.")
        var verbose = false

        @Option(parsing: .unconditional, help: ArgumentHelp("Handle at most N deliveries in this run.", valueName: "N"))
        var limit: Int?

        @Option(help: ArgumentHelp(
            "For tests and drills only: act at this moment instead of the database clock.", visibility: .hidden))
        var at: String?

        @Option(name: .customLong("round-size"), help: ArgumentHelp(
            "For tests and drills only: deliveries claimed per round (default 500).", valueName: "N",
            visibility: .hidden))
        var roundSize: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if let roundSize, roundSize < 1 { throw ValidationError("--round-size must be at least 1") }
            if dryRun && toDirectory != nil { throw ValidationError("--dry-run and --to-dir exclude each other") }
        }

        func run() throws {
            try runReportingErrors(needs: .daemon) {
                let environment = try SettingsFile.load()
                let settings = try MailSettings.fromEnvironment(environment)
                let connection = try Database.connect(applicationName: "parley alerts send", environment: environment)
                let moment = try at.map { try AlertsClock.moment($0, on: connection) }

                if dryRun {
                    let writer = MailboxWriter()
                    let renderer = DigestRenderer(from: settings.from, installation: try MailerQueries.installationID(connection))
                    for digest in try AlertMailer.preview(connection: connection, settings: settings, at: moment, limit: limit) {
                        writer.append(renderer.message(for: digest))
                    }
                    return
                }

                let transport: any MailTransport = toDirectory.map { DirectoryTransport(directory: URL(fileURLWithPath: $0)) }
                    ?? SendmailTransport(path: settings.sendmailPath, timeout: settings.sendmailTimeout)
                let mailer = AlertMailer(
                    connection: connection, settings: settings, transport: transport,
                    options: AlertMailer.Options(
                        limit: limit, verbose: verbose, at: moment, batchSize: roundSize ?? AlertMailer.Options.defaultBatchSize),
                    output: { print($0) }, errors: { printError("parley: \($0)") },
                    // The next round is claimed and read on a second connection while one is handed over.
                    openPrefetchConnection: {
                        try Database.connect(applicationName: "parley alerts send (next round)", environment: environment)
                    })
                let report = try mailer.run()
                if report.exitStatus != Sysexits.ok { throw ExitCode(report.exitStatus) }
            }
        }
    }
}

/// The hidden `--at` of the alert commands: the database reads the moment, so every form psql accepts works.
enum AlertsClock {
    static func moment(_ text: String, on connection: Connection) throws -> Date {
        do {
            return try connection.query("select $1::timestamptz as at", [text])[0].decode("at")
        } catch let error as PQError where error.kind == .server {
            throw ValidationError("--at \(text) is not a moment PostgreSQL understands (e.g. 2025-05-27 10:00+00)")
        }
    }
}
