import ArgumentParser
import Parley

extension ParleyCommand.Commitments {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a commitment's text, owner, target, unit, classification or source.",
            discussion: """
                Calls parley.update_commitment. Options left out keep their value; "" clears the owner, the unit \
                or the source. Progress and status are recorded with `parley commitments progress`.

                Example:
                  parley commitments edit ist-bodies-ru --owner analyst@example.org
                """)

        @Argument(help: "The commitment's code.")
        var commitment: String

        @Option(help: "What was promised.")
        var text: String?

        @Option(help: "The deadline, YYYY-MM-DD.")
        var dueOn: String?

        @Option(help: "The e-mail of the member of staff who follows it up (\"\" clears it).")
        var owner: String?

        @Option(help: "How sensitive it is.")
        var classification: Classification?

        @Option(parsing: .unconditional, help: "How much was promised.")
        var target: String?

        @Option(help: "What the target counts (\"\" clears it).")
        var unit: String?

        @Option(help: "The code of the source (\"\" clears it).")
        var source: String?

        func validate() throws {
            try requireDate(dueOn, option: "--due-on")
            try requireNumber(target, option: "--target")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("commitments edit")
                var call = FunctionCall("update_commitment")
                call.set("commitment", commitment)
                call.set("text", text)
                call.set("due_on", dueOn)
                call.set("owner", owner)
                call.set("classification", classification?.rawValue)
                call.set("target_quantity", target.flatMap(InputText.number))
                call.set("unit", unit)
                call.set("source", source)
                try call.run(on: connection)
            }
        }
    }
}
