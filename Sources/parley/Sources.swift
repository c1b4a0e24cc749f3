import ArgumentParser

extension ParleyCommand {
    /// `parley sources …`: where facts come from.
    struct Sources: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sources (articles, statements, readouts): add, list.",
            discussion: """
                Meetings, commitments, updates, positions and figures cite sources by code, so that every fact \
                keeps its provenance.

                Examples:
                  parley sources add pravda-2025-05-16 --title "Russia-Ukraine talks in Istanbul" \\
                    --publisher "Ukrainska Pravda" --url https://www.pravda.com.ua/eng/news/2025/05/16/7512561/
                  parley sources list
                """,
            subcommands: [Add.self, List.self]
        )
    }
}
