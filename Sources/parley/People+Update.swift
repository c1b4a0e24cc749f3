import ArgumentParser
import Parley

extension ParleyCommand.People {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a member of staff: name, e-mail, time zone, clearance, or reactivate them.",
            discussion: """
                Calls parley.update_person. Options left out keep their value. Prints the (new) e-mail.

                Example:
                  parley people update desk@example.org --clearance confidential --timezone Europe/Berlin
                """)

        @Argument(help: "Their current e-mail address.")
        var person: String

        @Option(help: "A new name.")
        var name: String?

        @Option(help: "A new e-mail address.")
        var email: String?

        @Option(help: "A new IANA time zone.")
        var timezone: String?

        @Option(help: "A new clearance (not above your own).")
        var clearance: Classification?

        @Flag(help: "Make someone who left the desk active again.")
        var reactivate = false

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("people update")
                var call = FunctionCall("update_person")
                call.set("person", person)
                call.set("name", name)
                call.set("email", email)
                call.set("timezone", timezone)
                call.set("clearance", clearance?.rawValue)
                call.set("active", reactivate ? true : nil)
                report(try call.run(on: connection))
            }
        }
    }
}
