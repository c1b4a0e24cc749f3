import ArgumentParser

extension ParleyCommand {
    /// `parley positions …`: what parties say about agenda items.
    struct Positions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Positions: record what a party says about an item, list the latest stances.",
            discussion: """
                Examples:
                  parley positions record --party RU --item children-return --stance refuses \\
                    --stated-on 2025-08-13 --statement "Will not hand children to Kyiv directly"
                  parley positions list --item children-return
                """,
            subcommands: [Record.self, List.self]
        )
    }
}
