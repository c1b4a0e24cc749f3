import ArgumentParser
import Parley

extension ParleyCommand.Items {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an agenda item, optionally putting it on a track's agenda.",
            discussion: """
                Calls parley.add_agenda_item. Prints the item's code.

                Example:
                  parley items add children-return --title "Return of deported children" --track trilateral
                """)

        @Argument(help: "The item's code, e.g. ceasefire.")
        var code: String

        @Option(help: "The item's title, one line.")
        var title: String

        @Option(help: "What the item covers.")
        var description: String?

        @Option(help: "Also put the item on this track's agenda.")
        var track: String?

        @Option(help: "Its status on that track (default proposed).")
        var status: AgendaStatus?

        func validate() throws {
            if status != nil && track == nil {
                throw ValidationError("--status: give --track too; the status is the item's status on a track.")
            }
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("items add")
                var call = FunctionCall("add_agenda_item")
                call.set("code", code)
                call.set("title", title)
                call.set("description", description)
                call.set("track", track)
                call.set("status", status?.rawValue)
                report(try call.run(on: connection))
            }
        }
    }
}
