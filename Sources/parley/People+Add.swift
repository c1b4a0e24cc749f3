import ArgumentParser
import Parley

extension ParleyCommand.People {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a member of staff.",
            discussion: """
                Calls parley.add_person. Prints the e-mail.

                Example:
                  parley people add analyst@example.org --name "Analyst" --timezone Europe/Brussels
                """)

        @Argument(help: "Their e-mail address (unique, any case).")
        var email: String

        @Option(help: "Their name.")
        var name: String

        @Option(help: "The IANA time zone of their clock (default UTC).")
        var timezone: String?

        @Option(help: "The highest classification they may receive (default unclassified).")
        var clearance: Classification?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("people add")
                var call = FunctionCall("add_person")
                call.set("email", email)
                call.set("name", name)
                call.set("timezone", timezone)
                call.set("clearance", clearance?.rawValue)
                report(try call.run(on: connection))
            }
        }
    }
}
