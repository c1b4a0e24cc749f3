import ArgumentParser

extension ParleyCommand {
    /// `parley tracks …`: the channels of negotiation. Subcommands live in `Tracks+Verb.swift`.
    struct Tracks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Negotiation tracks: add, list, show, update, set their status.",
            discussion: """
                A track is a channel of negotiation (the Istanbul talks, a trilateral track, NATO briefings) with its \
                parties, agenda, meetings and commitments. Deadlines on a track are read on its clock (its IANA \
                time zone).

                Examples:
                  parley tracks add istanbul --name "Istanbul direct talks" \\
                    --format bilateral --timezone Europe/Istanbul
                  parley tracks list
                  parley tracks show istanbul
                """,
            subcommands: [Add.self, List.self, Show.self, Update.self, SetStatus.self]
        )
    }
}
