import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct EnterIntoForce: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enter-into-force",
            abstract: "Record that a drafted or signed agreement entered into force.",
            discussion: """
                Calls parley.enter_into_force: not before it was signed. Its first term starts that day.

                Example:
                  parley agreements enter-into-force energy-moratorium --on 2025-03-18 --source kremlin-2025-03-18
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(help: "The day it entered into force, YYYY-MM-DD (default today).")
        var on: String?

        @Option(help: "The code of the source reporting it.")
        var source: String?

        @Option(help: "A note.")
        var note: String?

        func validate() throws {
            try requireDate(on, option: "--on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements enter-into-force")
                var call = FunctionCall("enter_into_force")
                call.set("agreement", agreement)
                call.set("in_force_on", on)
                call.set("source", source)
                call.set("note", note)
                report(try call.run(on: connection))
            }
        }
    }
}
