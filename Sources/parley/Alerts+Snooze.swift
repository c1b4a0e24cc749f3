import ArgumentParser
import Parley

extension ParleyCommand.Alerts {
    struct Snooze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold an alert back until a moment.",
            discussion: """
                Calls parley.snooze_alert: its deliveries not yet sent wait until then, and an overdue commitment \
                gets no reminder before then.

                Examples:
                  parley alerts snooze 42 --for "2 days"
                  parley alerts snooze 42 --until "2025-06-02 09:00 Europe/Kyiv"
                """)

        @Argument(help: "The alert's id, as parley alerts list shows it.")
        var alert: Int64

        @OptionGroup var window: AlertWindow

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("alerts snooze")
                if let zone = try connection.timeZone(ofAlert: alert) { try connection.useClock(of: zone) }
                var call = FunctionCall("snooze_alert")
                call.set("alert_id", alert)
                call.set("until", try window.end(on: connection))
                try call.run(on: connection)
            }
        }
    }
}
