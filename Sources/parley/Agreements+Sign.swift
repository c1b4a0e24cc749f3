import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a party's signature (the first signatory's signs a draft).",
            discussion: """
                Calls parley.sign_agreement. A party not yet recorded is added in the role given; roles that do \
                not go together (a signatory as its own mediator, witness or observer) are refused.

                Example:
                  parley agreements sign ist-humanitarian --party UA --on 2025-06-02 --at "Çırağan Palace, Istanbul"
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(help: "The code of the party that signs.")
        var party: String

        @Option(help: "The day it signed, YYYY-MM-DD (default today).")
        var on: String?

        @Option(help: "The role it signs in (default signatory).")
        var role: AgreementRole?

        @Option(help: "Where it was signed.")
        var at: String?

        @Option(help: "The code of the source reporting it.")
        var source: String?

        @Option(help: "A note on its signature.")
        var note: String?

        func validate() throws {
            try requireDate(on, option: "--on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements sign")
                var call = FunctionCall("sign_agreement")
                call.set("agreement", agreement)
                call.set("party", party)
                call.set("signed_on", on)
                call.set("role", role?.rawValue)
                call.set("signed_at", at)
                call.set("source", source)
                call.set("note", note)
                report(try call.run(on: connection))
            }
        }
    }
}
