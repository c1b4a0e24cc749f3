import ArgumentParser
import Parley

extension ParleyCommand.Alerts {
    struct Lift: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a silence now.",
            discussion: """
                Calls parley.lift_silence: alerts planned from now on are delivered again.

                Example:
                  parley alerts lift 7
                """)

        @Argument(help: "The silence's id, as parley alerts silences shows it.")
        var silence: Int64

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("alerts lift")
                // "Already lifted at …" is said on the clock of the track the silence covers.
                if let zone = try connection.timeZone(ofSilence: silence) { try connection.useClock(of: zone) }
                var call = FunctionCall("lift_silence")
                call.set("silence_id", silence)
                try call.run(on: connection)
            }
        }
    }
}
