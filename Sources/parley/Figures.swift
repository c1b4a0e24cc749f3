import ArgumentParser

extension ParleyCommand {
    /// `parley figures …`: the numbers parties report and dispute.
    struct Figures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Figures: add a reported number, list them, list the contested ones.",
            discussion: """
                Examples:
                  parley figures add --indicator children-deported --value 19546 --as-of 2025-08-20 \\
                    --unit children --claimant UA --confidence reported
                  parley figures list --contested
                """,
            subcommands: [Add.self, List.self]
        )
    }
}
