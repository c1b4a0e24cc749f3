import ArgumentParser
import Parley

extension ParleyCommand.Figures {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a number a party (or a source) reports.",
            discussion: """
                Calls parley.add_figure. One figure per indicator, claimant, source and date; --correction \
                replaces it. Prints the figure's number.

                Example:
                  parley figures add --indicator bodies-returned-to-ua --value 6060 --as-of 2025-06-16 \\
                    --unit bodies --claimant RU --source tass-2025-06-16 --confidence disputed
                """)

        @Option(help: "What is counted, as a code (e.g. children-deported).")
        var indicator: String

        @Option(parsing: .unconditional, help: "The number.")
        var value: String

        @Option(help: "The day the number refers to, YYYY-MM-DD.")
        var asOf: String

        @Option(help: "What the number counts, e.g. children.")
        var unit: String?

        @Option(help: "The agenda item it concerns.")
        var item: String?

        @Option(help: "The code of the party that claims it.")
        var claimant: String?

        @Option(help: "The code of the source.")
        var source: String?

        @Option(help: "How sure it is (default reported).")
        var confidence: Confidence?

        @Option(help: "A note on the figure.")
        var note: String?

        @Option(help: "How sensitive it is (default unclassified).")
        var classification: Classification?

        @Flag(help: "Replace the figure already recorded for this indicator, claimant, source and date.")
        var correction = false

        func validate() throws {
            try requireNumber(value, option: "--value")
            try requireDate(asOf, option: "--as-of")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("figures add")
                var call = FunctionCall("add_figure")
                call.set("indicator", indicator)
                call.set("value", InputText.number(value))
                call.set("as_of", asOf)
                call.set("unit", unit)
                call.set("item", item)
                call.set("claimant", claimant)
                call.set("source", source)
                call.set("confidence", confidence?.rawValue)
                call.set("note", note)
                call.set("classification", classification?.rawValue)
                call.set("correction", correction ? true : nil)
                report(try call.run(on: connection))
            }
        }
    }
}
