import ArgumentParser

extension ParleyCommand {
    /// `parley members …`: which party takes part in which track, and as what.
    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Track membership: add a party to a track with a role, list members.",
            discussion: """
                A party may hold several roles on one track (host and mediator, say).

                Examples:
                  parley members add --track istanbul --party TR --role host
                  parley members list --track istanbul
                """,
            subcommands: [Add.self, List.self]
        )
    }
}
