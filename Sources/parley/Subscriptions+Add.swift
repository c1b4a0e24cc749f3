import ArgumentParser
import Parley

extension ParleyCommand.Subscriptions {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe a person to alerts about a track, an item, both, or everything.",
            discussion: """
                Calls parley.add_subscription; subscribing again changes the minimum severity. Prints the \
                subscription's number.

                Example:
                  parley subscriptions add --person desk@example.org --item children-return
                """)

        @Option(help: "The person's e-mail.")
        var person: String

        @Option(help: "Alerts about this track only.")
        var track: String?

        @Option(help: "Alerts about this agenda item only.")
        var item: String?

        @Option(help: "The least urgent alerts they want (default info: all).")
        var minSeverity: Severity?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("subscriptions add")
                var call = FunctionCall("add_subscription")
                call.set("person", person)
                call.set("track", track)
                call.set("item", item)
                call.set("min_severity", minSeverity?.rawValue)
                report(try call.run(on: connection))
            }
        }
    }
}
