import ArgumentParser
import Parley

extension ParleyCommand.Subscriptions {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a subscription (the same person, track and item as when it was added).",
            discussion: """
                Calls parley.remove_subscription. Refused (exit 65) when there is no such subscription.

                Example:
                  parley subscriptions remove --person desk@example.org --track istanbul
                """)

        @Option(help: "The person's e-mail.")
        var person: String

        @Option(help: "The track of the subscription.")
        var track: String?

        @Option(help: "The agenda item of the subscription.")
        var item: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("subscriptions remove")
                var call = FunctionCall("remove_subscription")
                call.set("person", person)
                call.set("track", track)
                call.set("item", item)
                if try call.run(on: connection) != "t" {
                    let scope = [track.map { "track \"\($0)\"" }, item.map { "item \"\($0)\"" }].compactMap { $0 }
                    throw InputRefusal(
                        message: "person \"\(person)\" has no subscription to "
                            + (scope.isEmpty ? "everything" : scope.joined(separator: " and ")),
                        hint: "parley subscriptions list --person \(person) shows their subscriptions.")
                }
            }
        }
    }
}
