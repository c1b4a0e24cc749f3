import ArgumentParser
import Parley

extension ParleyCommand.Positions {
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what a party says about an agenda item (optionally on one track).",
            discussion: """
                Calls parley.record_position. Recording the same party, item, track and day again corrects it. \
                Prints the position's number.

                Example:
                  parley positions record --party UA --item ceasefire --stance supports --stated-on 2025-05-16 \\
                    --track istanbul --source pravda-2025-05-16
                """)

        @Option(help: "The party's code.")
        var party: String

        @Option(help: "The agenda item's code.")
        var item: String

        @Option(help: "The party's stance.")
        var stance: Stance

        @Option(help: "When it was stated, YYYY-MM-DD (default today).")
        var statedOn: String?

        @Option(help: "The track it was stated on (leave out for a general statement).")
        var track: String?

        @Option(help: "What the party said.")
        var statement: String?

        @Option(help: "The code of the source.")
        var source: String?

        @Option(help: "How sensitive it is (default unclassified).")
        var classification: Classification?

        func validate() throws {
            try requireDate(statedOn, option: "--stated-on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("positions record")
                var call = FunctionCall("record_position")
                call.set("party", party)
                call.set("item", item)
                call.set("stance", stance.rawValue)
                call.set("stated_on", statedOn)
                call.set("track", track)
                call.set("statement", statement)
                call.set("source", source)
                call.set("classification", classification?.rawValue)
                report(try call.run(on: connection))
            }
        }
    }
}
