import ArgumentParser

extension ParleyCommand {
    /// `parley subscriptions …`: who receives alerts beyond their own commitments.
    struct Subscriptions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Alert subscriptions: add, remove, list.",
            discussion: """
                A subscription is to a track, an item, both, or (neither) everything, from a minimum severity.

                Examples:
                  parley subscriptions add --person analyst@example.org --track istanbul --min-severity warning
                  parley subscriptions remove --person analyst@example.org --track istanbul
                  parley subscriptions list
                """,
            subcommands: [Add.self, Remove.self, List.self]
        )
    }
}
