import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a resumption: of one party's suspended participation, or (no --party) of the agreement.",
            discussion: """
                Calls parley.resume_agreement.

                Example:
                  parley agreements resume energy-moratorium --party RU --announced-on 2025-04-20
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(help: "The code of the party resuming its participation (none: the agreement comes back into force).")
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
                let connection = try connect("agreements resume")
                var call = FunctionCall("resume_agreement")
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
