import ArgumentParser
import Parley

extension ParleyCommand.Parties {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a party.",
            discussion: """
                Calls parley.add_party. Prints the party's code.

                Example:
                  parley parties add TR --name Türkiye
                """)

        @Argument(help: "The party's code, e.g. UA (letters, digits, dots, dashes, underscores).")
        var code: String

        @Option(help: "The party's name.")
        var name: String

        @Option(help: "What the party is (default state).")
        var kind: PartyKind?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("parties add")
                var call = FunctionCall("add_party")
                call.set("code", code)
                call.set("name", name)
                call.set("kind", kind?.rawValue)
                report(try call.run(on: connection))
            }
        }
    }
}
