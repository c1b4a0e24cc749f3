import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a suspension: of one party's participation, or (no --party) of the whole agreement.",
            discussion: """
                Calls parley.suspend_agreement. The agreement's owner and the subscribers of its tracks are told at \
                once (alert agreement_suspended).

                Examples:
                  parley agreements suspend energy-moratorium --party RU --announced-on 2025-04-10
                  parley agreements suspend ist-humanitarian --announced-on 2025-07-01 --note "Exchanges on hold"
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(help: "The code of the party suspending its participation (none: the agreement itself is suspended).")
        var party: String?

        @Option(help: "The day it was announced, YYYY-MM-DD (default today).")
        var announcedOn: String?

        @Option(help: "The day it took effect, YYYY-MM-DD (default the day announced).")
        var effectiveOn: String?

        @Option(help: "The code of the source reporting it.")
        var source: String?

        @Option(help: "A note.")
        var note: String?

        func validate() throws {
            try requireDate(announcedOn, option: "--announced-on")
            try requireDate(effectiveOn, option: "--effective-on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements suspend")
                var call = FunctionCall("suspend_agreement")
                call.set("agreement", agreement)
                call.set("party", party)
                call.set("announced_on", announcedOn)
                call.set("effective_on", effectiveOn)
                call.set("source", source)
                call.set("note", note)
                report(try call.run(on: connection))
            }
        }
    }
}
