import ArgumentParser

extension ParleyCommand {
    /// `parley follow-ups …`: what staff owe.
    struct FollowUps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow-ups",
            abstract: "Follow-ups: add one, mark one done, list the open ones.",
            discussion: """
                A follow-up is about one commitment, meeting or track, and is due at a moment. Times without a UTC \
                offset are read on the assignee's clock.

                Examples:
                  parley follow-ups add --assignee desk@example.org --due-at "2025-06-05 17:00" \\
                    --commitment ist-bodies-ru --note "Ask the ICRC for the hand-over schedule"
                  parley follow-ups done F3 --note "Schedule received"
                  parley follow-ups list --assignee desk@example.org
                """,
            subcommands: [Add.self, Done.self, List.self]
        )
    }
}
