import ArgumentParser

extension ParleyCommand {
    /// `parley meetings …`: rounds of talks and briefings.
    struct Meetings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Meetings (rounds of talks, briefings): add, record the outcome, change the status, list.",
            discussion: """
                Times without a UTC offset are read on the track's clock: "2025-05-16 12:30" for a meeting in \
                Istanbul is 12:30 in Istanbul.

                Examples:
                  parley meetings add ist-r1 --track istanbul --title "Round 1" --starts-at "2025-05-16 12:30"
                  parley meetings outcome ist-r1 --outcome "Agreed a 1,000-for-1,000 exchange"
                  parley meetings status ist-r4 postponed
                  parley meetings list --upcoming
                """,
            subcommands: [Add.self, Outcome.self, Status.self, List.self]
        )
    }
}
