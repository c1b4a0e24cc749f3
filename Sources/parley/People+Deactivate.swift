import ArgumentParser
import Parley

extension ParleyCommand.People {
    struct Deactivate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark someone who left the desk as no longer active (history is kept).",
            discussion: """
                Calls parley.deactivate_person: they can no longer be made owner, lead or assignee.

                Example:
                  parley people deactivate former.colleague@example.org
                """)

        @Argument(help: "Their e-mail address.")
        var person: String

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("people deactivate")
                var call = FunctionCall("deactivate_person")
                call.set("person", person)
                try call.run(on: connection)
            }
        }
    }
}
