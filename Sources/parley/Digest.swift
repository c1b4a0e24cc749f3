import ArgumentParser
import Foundation
import PQ
import Parley

extension ParleyCommand {
    struct Digest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the alert digests the mailer would send now, without sending or marking anything.",
            discussion: """
                For a person at a terminal, or for a crontab whose MAILTO does the mailing. Prints each \
                recipient's digest (To and Subject lines, then the text); nothing when no alert is due. The same \
                settings as `parley alerts send` apply, PARLEY_MAIL_MAX_CLASSIFICATION in particular.

                Examples:
                  parley digest
                  parley digest --for olena.kovalenko@mfa.example
                """)

        @Option(name: .customLong("for"), help: ArgumentHelp("Only the digest of the person with this e-mail address.", valueName: "EMAIL"))
        var recipient: String?

        @Option(help: ArgumentHelp(
            "For tests and drills only: the digest as of this moment instead of the database clock.", visibility: .hidden))
        var at: String?

        func validate() throws {
            if let recipient, !MailAddress.isValidAddress(recipient) {
                throw ValidationError("--for \(recipient) is not an e-mail address")
            }
        }

        func run() throws {
            try runReportingErrors(needs: .daemon) {
                let environment = try SettingsFile.load()
                let settings = try MailSettings.fromEnvironment(environment, sending: false)
                let connection = try Database.connect(applicationName: "parley digest", environment: environment, reading: true)
                let moment = try at.map { try AlertsClock.moment($0, on: connection) }
                let renderer = DigestRenderer(from: settings.from, installation: try MailerQueries.installationID(connection))
                let digests = try AlertMailer.preview(
                    connection: connection, settings: settings, at: moment, recipient: recipient)
                var text = ""
                for (index, digest) in digests.enumerated() {
                    if index > 0 { text += "\n" + String(repeating: "-", count: 76) + "\n\n" }
                    let to = MailAddress(displayName: digest.recipient.name, address: digest.recipient.email)
                    text += "To: \(to?.description ?? digest.recipient.email)\n"
                    text += "Subject: \(renderer.subject(for: digest))\n\n"
                    text += renderer.body(for: digest)
                }
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}
