import ArgumentParser

extension ParleyCommand {
    /// `parley agreements …`: the texts the parties sign, their terms, renewals, suspensions and endings.
    struct Agreements: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Agreements: add, sign, enter into force, renew, suspend, resume, withdraw, end, list, show.",
            discussion: """
                An agreement is a text the parties sign or a mediator announces (an agreement, a memorandum, a joint \
                statement, a ceasefire arrangement ...), on one or more tracks, with its parties and their roles, a \
                dated and sourced history (drafted → signed → in force ⇄ suspended → expired, terminated or \
                superseded), its terms and renewals, and its provisions: commitments that cite its articles. A term \
                ends at the end of its last day on the agreement's clock (its first track's unless given).

                Examples:
                  parley agreements add --code ist-humanitarian --title "Humanitarian arrangements" \\
                    --track istanbul --party UA:signatory --party RU:signatory --party TR:mediator
                  parley agreements sign ist-humanitarian --party UA --on 2025-06-02 --at Istanbul
                  parley agreements enter-into-force ist-humanitarian --on 2025-06-02
                  parley agreements renew energy-moratorium --term-length "30 days" --agreed-by UA --agreed-by RU
                  parley agreements withdraw energy-moratorium --party RU --announced-on 2025-04-17
                  parley agreements list --track istanbul
                """,
            subcommands: [Add.self, Sign.self, EnterIntoForce.self, Renew.self, Suspend.self, Resume.self,
                          Withdraw.self, End.self, Provision.self, List.self, Show.self]
        )
    }
}
