import ArgumentParser
import Parley

extension ParleyCommand.Commitments {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what a party promised.",
            discussion: """
                Calls parley.add_commitment. The item must be on the track's agenda. Prints the commitment's code \
                (C and its number when --code is left out).

                Example:
                  parley commitments add --code ist-bodies-ru --track istanbul --item pow-exchange \\
                    --obligor RU --beneficiary UA --text "Return 6,000 bodies" --made-on 2025-06-02 \\
                    --target 6000 --unit bodies --owner desk@example.org
                """)

        @Option(help: "A code for the commitment (default C and its number).")
        var code: String?

        @Option(help: "The track's code.")
        var track: String

        @Option(help: "The agenda item's code.")
        var item: String

        @Option(help: "The code of the party that promises.")
        var obligor: String

        @Option(name: .customLong("beneficiary"), help: "The code of a party it is owed to (repeat for several).")
        var beneficiaries: [String] = []

        @Option(help: "What was promised.")
        var text: String

        @Option(help: "The day it was made, YYYY-MM-DD (default today).")
        var madeOn: String?

        @Option(help: "The deadline, YYYY-MM-DD: the end of that day on the track's clock.")
        var dueOn: String?

        @Option(parsing: .unconditional, help: "How much was promised, e.g. 1000.")
        var target: String?

        @Option(help: "What the target counts, e.g. prisoners (needs --target).")
        var unit: String?

        @Option(help: "The code of the reciprocal deal it is one side of (created when new).")
        var deal: String?

        @Option(help: "A title for a new deal.")
        var dealTitle: String?

        @Option(help: "The e-mail of the member of staff who follows it up.")
        var owner: String?

        @Option(help: "How sensitive it is (default unclassified).")
        var classification: Classification?

        @Option(help: "The code of the source it is recorded from.")
        var source: String?

        @Option(help: "The code of the meeting it was made at (a meeting of the same track).")
        var meeting: String?

        func validate() throws {
            try requireDate(madeOn, option: "--made-on")
            try requireDate(dueOn, option: "--due-on")
            try requireNumber(target, option: "--target")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("commitments add")
                var call = FunctionCall("add_commitment")
                call.set("track", track)
                call.set("item", item)
                call.set("obligor", obligor)
                call.set("beneficiaries", beneficiaries)
                call.set("text", text)
                call.set("made_on", madeOn)
                call.set("due_on", dueOn)
                call.set("target_quantity", target.flatMap(InputText.number))
                call.set("unit", unit)
                call.set("code", code)
                call.set("deal", deal)
                call.set("deal_title", dealTitle)
                call.set("owner", owner)
                call.set("classification", classification?.rawValue)
                call.set("source", source)
                call.set("meeting", meeting)
                report(try call.run(on: connection))
            }
        }
    }
}
