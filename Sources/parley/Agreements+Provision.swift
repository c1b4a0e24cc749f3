import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Provision: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a commitment a provision of an agreement, citing its article.",
            discussion: """
                Calls parley.add_provision. The commitment must be on one of the agreement's tracks; an article \
                holds one commitment per obligor. The commitment is kept at the agreement's level from then on.

                Example:
                  parley agreements provision ist-humanitarian --commitment ist-r2-bodies-ru --article 2
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(help: "The commitment's code.")
        var commitment: String

        @Option(help: "The article or paragraph it comes from.")
        var article: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements provision")
                var call = FunctionCall("add_provision")
                call.set("agreement", agreement)
                call.set("commitment", commitment)
                call.set("article", article)
                report(try call.run(on: connection))
            }
        }
    }
}
