import ArgumentParser

extension ParleyCommand {
    /// `parley items …`: the subjects under negotiation and where they stand on each track.
    struct Items: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Agenda items: add, set their status on a track, list the agendas.",
            discussion: """
                An item (ceasefire, all-for-all exchange, return of children) is shared by all tracks; each track's \
                agenda says where it stands there: proposed → under_discussion → agreed_in_principle → agreed → \
                implementing → implemented, or stalled / rejected / withdrawn.

                Examples:
                  parley items add ceasefire --title Ceasefire --track istanbul
                  parley items set-status --track istanbul --item ceasefire under_discussion --since 2025-05-16
                  parley items list --track istanbul
                """,
            subcommands: [Add.self, SetStatus.self, List.self]
        )
    }
}
