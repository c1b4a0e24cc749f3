import ArgumentParser
import Parley

extension ParleyCommand.Alerts {
    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an alert: you have it in hand.",
            discussion: """
                Calls parley.acknowledge_alert. An overdue commitment then gets no further reminders until its \
                deadline moves (or it is reopened).

                Example:
                  parley alerts ack 42 --note "Chasing the Ministry"
                """)

        @Argument(help: "The alert's id, as parley alerts list shows it.")
        var alert: Int64

        @Option(help: "What you are doing about it.")
        var note: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("alerts ack")
                var call = FunctionCall("acknowledge_alert")
                call.set("alert_id", alert)
                call.set("note", note)
                try call.run(on: connection)
            }
        }
    }
}
