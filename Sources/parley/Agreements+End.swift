import ArgumentParser
import Parley

extension ParleyCommand.Agreements {
    struct End: ParsableCommand {
        /// How an agreement ends.
        enum Ending: String, CaseIterable, ExpressibleByArgument {
            case expired, terminated, superseded
        }

        static let configuration = CommandConfiguration(
            abstract: "Record that an agreement ended: expired, terminated or superseded.",
            discussion: """
                Calls parley.end_agreement: not before it entered into force; only one that was in force expires. \
                Its provisions are no longer chased from then on, and their status stands as it was for \
                compliance.

                Examples:
                  parley agreements end energy-moratorium --as expired --on 2025-04-17 --source kremlin-2025-04-18
                  parley agreements end ru-memorandum-2025 --as superseded --superseded-by ru-memorandum-2026
                """)

        @Argument(help: "The agreement's code.")
        var agreement: String

        @Option(name: .customLong("as"), help: "How it ended.")
        var ending: Ending

        @Option(help: "The day it ended, YYYY-MM-DD (default today).")
        var on: String?

        @Option(help: "The code of the agreement that replaced it (with --as superseded).")
        var supersededBy: String?

        @Option(help: "The code of the party that ended it, if one did.")
        var party: String?

        @Option(help: "The code of the source reporting it.")
        var source: String?

        @Option(help: "A note.")
        var note: String?

        func validate() throws {
            try requireDate(on, option: "--on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("agreements end")
                var call = FunctionCall("end_agreement")
                call.set("agreement", agreement)
                call.set("status", ending.rawValue)
                call.set("ended_on", on)
                call.set("superseded_by", supersededBy)
                call.set("party", party)
                call.set("source", source)
                call.set("note", note)
                report(try call.run(on: connection))
            }
        }
    }
}
