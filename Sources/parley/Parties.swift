import ArgumentParser

extension ParleyCommand {
    /// `parley parties …`: the states and organisations that negotiate, host, mediate or are briefed.
    struct Parties: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parties (states and organisations): add, list.",
            discussion: """
                Examples:
                  parley parties add UA --name Ukraine
                  parley parties add NATO --name "North Atlantic Treaty Organization" --kind organisation
                  parley parties list
                """,
            subcommands: [Add.self, List.self]
        )
    }
}
