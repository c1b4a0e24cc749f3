import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Withdraw: ParsableCommand {
        /// What the withdrawing party's open provisions become.
        enum Provisions: String, CaseIterable, ExpressibleByArgument {
            case breached, withdrawn, superseded, open
        }

        static let configuration = CommandConfiguration(
            abstract: "Record that a party withdrew from an agreement; its open provisions close as breached.",
            discussion: """
                Calls parley.withdraw_from_agreement. The party's open provisions of the agreement are closed as \
                --provisions (breached unless you say withdrawn or superseded; open leaves them as they are), each \
                with an update citing the withdrawal. Refused before the party signed. The agreement's owner and \
                the subscribers of its tracks are told at once (alert agreement_withdrawal, critical).

                Example:
                  parley agreements withdraw energy-moratorium --party RU --announced-on 2025-04-17 \\
                    --source kremlin-2025-04-18
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(help: "The code of the party that withdrew.")
        var party: String

        @Option(help: "The day it was announced, YYYY-MM-DD (default today).")
        var announcedOn: String?

        @Option(help: "The day it took effect, YYYY-MM-DD (default the day announced).")
        var effectiveOn: String?

        @Option(help: "What its open provisions become (default breached).")
        var provisions: Provisions?

        @Option(help: "The code of the source reporting it.")
        var source: String?

        @Option(help: "A note: why, in the party's words.")
        var note: String?

        func validate() throws {
            try requireDate(announcedOn, option: "--announced-on")
            try requireDate(effectiveOn, option: "--effective-on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements withdraw")
                var call = FunctionCall("withdraw_from_agreement")
                call.set("agreement", agreement)
                call.set("party", party)
                call.set("announced_on", announcedOn)
                call.set("effective_on", effectiveOn)
                switch provisions {
                case .open?: call.setNull("provisions")
                case let closed?: call.set("provisions", closed.rawValue)
                case nil: break
                }
                call.set("source", source)
                call.set("note", note)
                report(try call.run(on: connection))
            }
        }
    }
}
