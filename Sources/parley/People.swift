import ArgumentParser

extension ParleyCommand {
    /// `parley people …`: the staff who own commitments, lead tracks and receive alerts.
    struct People: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Staff: add, list, update, deactivate.",
            discussion: """
                People are named by e-mail (any case). Their clearance decides which alerts they may receive; \
                nobody can clear someone above their own clearance.

                Examples:
                  parley people add desk@example.org --name "Desk Officer" --timezone Europe/Kyiv --clearance restricted
                  parley people list
                  parley people deactivate former.colleague@example.org
                """,
            subcommands: [Add.self, List.self, Update.self, Deactivate.self]
        )
    }
}
