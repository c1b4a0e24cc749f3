import ArgumentParser
import Parley

extension ParleyCommand.Sources {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a source facts can cite.",
            discussion: """
                Calls parley.add_source. Prints the source's code.

                Example:
                  parley sources add tass-2025-07-23 --title "Russia-Ukraine talks in Istanbul" \\
                    --publisher "TASS (Russian state media)" --url https://tass.com/politics/1993459 \\
                    --published-on 2025-07-23
                """)

        @Argument(help: "The source's code, e.g. pravda-2025-05-16.")
        var code: String

        @Option(help: "Its title.")
        var title: String

        @Option(help: "Who published it.")
        var publisher: String?

        @Option(help: "Its web address (https://...).")
        var url: String?

        @Option(help: "When it was published, YYYY-MM-DD.")
        var publishedOn: String?

        @Option(help: "A note, e.g. on its reliability.")
        var note: String?

        func validate() throws {
            try requireDate(publishedOn, option: "--published-on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("sources add")
                var call = FunctionCall("add_source")
                call.set("code", code)
                call.set("title", title)
                call.set("publisher", publisher)
                call.set("url", url)
                call.set("published_on", publishedOn)
                call.set("note", note)
                report(try call.run(on: connection))
            }
        }
    }
}
