import ArgumentParser
import Parley

extension ParleyCommand.Items {
    struct SetStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-status",
            abstract: "Say where an item stands on a track (and put it on the track's agenda if it is not there).",
            discussion: """
                Calls parley.set_agenda_status. Without --since, the status dates from today when it changes.

                Example:
                  parley items set-status --track istanbul --item pow-exchange implementing --since 2025-05-23
                """)

        @Option(help: "The track's code.")
        var track: String

        @Option(help: "The item's code.")
        var item: String

        @Argument(help: "Where the item stands on the track.")
        var status: AgendaStatus

        @Option(help: "Since when (YYYY-MM-DD); default today when the status changes.")
        var since: String?

        @Option(help: "A note on where it stands.")
        var note: String?

        func validate() throws {
            try requireDate(since, option: "--since")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("items set-status")
                var call = FunctionCall("set_agenda_status")
                call.set("track", track)
                call.set("item", item)
                call.set("status", status.rawValue)
                call.set("status_since", since)
                call.set("note", note)
                try call.run(on: connection)
            }
        }
    }
}
