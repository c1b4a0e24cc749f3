import ArgumentParser

extension ParleyCommand {
    /// `parley commitments …`: what parties promise, and what they deliver.
    struct Commitments: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Commitments: add, record progress with evidence, move the deadline, edit, list, show.",
            discussion: """
                A commitment is what one party (the obligor) promised others on a track about an agenda item, by \
                when (the end of due_on on the track's clock) and how much. Delivery is recorded as updates: how \
                much in this stage, a new status, the source and who confirms it. A reciprocal deal (1,000 for \
                1,000) is two commitments, one per side, sharing a --deal code.

                Examples:
                  parley commitments add --code ist-swap-ru --track istanbul --item pow-exchange --obligor RU \\
                    --beneficiary UA --text "Hand over 1,000 prisoners" --made-on 2025-05-16 \\
                    --target 1000 --unit prisoners --deal ist-1000-for-1000
                  parley commitments progress ist-swap-ru --delivered 390 --reported-on 2025-05-23 \\
                    --status partially_fulfilled --verification both_parties --source pravda-2025-05-23
                  parley commitments list --overdue
                """,
            subcommands: [Add.self, Progress.self, SetDue.self, Edit.self, List.self, Show.self]
        )
    }
}
