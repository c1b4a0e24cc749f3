import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Renew: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a renewal of an agreement in force: its next term.",
            discussion: """
                Calls parley.renew_agreement. The new term starts the day after the current one ends (unless \
                --starts-on) and runs to --ends-on or for --term-length. Refused for an agreement that has ended or \
                is not in force. Prints the new term's number.

                Example:
                  parley agreements renew ist-humanitarian --term-length "30 days" --agreed-by UA --agreed-by RU \\
                    --agreed-on 2025-06-25 --source pravda-2025-06-25
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(help: "The last day of the new term, YYYY-MM-DD.")
        var endsOn: String?

        @Option(help: "The length of the new term, e.g. \"30 days\".")
        var termLength: String?

        @Option(name: .customLong("agreed-by"), help: "A party that agreed the renewal (repeat for several).")
        var agreedBy: [String] = []

        @Option(help: "The day it was agreed, YYYY-MM-DD (default today).")
        var agreedOn: String?

        @Option(help: "The first day of the new term, YYYY-MM-DD (default the day after the current term ends).")
        var startsOn: String?

        @Option(help: "How the new term renews (default as the current one).")
        var renewal: RenewalKind?

        @Option(help: "For an automatic renewal: how long before the end a party must object.")
        var objectionNotice: String?

        @Option(help: "The code of the source reporting it.")
        var source: String?

        @Option(help: "A note.")
        var note: String?

        func validate() throws {
            try requireDate(endsOn, option: "--ends-on")
            try requireDate(agreedOn, option: "--agreed-on")
            try requireDate(startsOn, option: "--starts-on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements renew")
                var call = FunctionCall("renew_agreement")
                call.set("agreement", agreement)
                call.set("ends_on", endsOn)
                call.set("term_length", termLength)
                call.set("agreed_by", agreedBy.isEmpty ? nil : agreedBy)
                call.set("agreed_on", agreedOn)
                call.set("starts_on", startsOn)
                call.set("renewal", renewal?.rawValue)
                call.set("objection_notice", objectionNotice)
                call.set("source", source)
                call.set("note", note)
                report(try call.run(on: connection))
            }
        }
    }
}
