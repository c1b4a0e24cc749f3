import ArgumentParser

extension ParleyCommand {
    /// `parley alerts …`: the alert mailer, and what staff do with alerts. Subcommands live in `Alerts+Name.swift`.
    struct Alerts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Alerts: list, acknowledge, snooze and silence them; mail the due ones.",
            discussion: """
                parleyd plans alerts; `parley alerts send`, run by cron or a systemd timer every few minutes, mails \
                them as one digest per recipient. The other subcommands are what staff do with alerts.

                Examples:
                  parley alerts send --verbose
                  parley alerts list
                """,
            subcommands: [Send.self, List.self, Ack.self, Snooze.self, Silence.self, Lift.self, Silences.self]
        )
    }
}
