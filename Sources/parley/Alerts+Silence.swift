import ArgumentParser
import Parley

extension ParleyCommand.Alerts {
    struct Silence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Silence alerts about a track, an item, a commitment or of a kind, until a moment, for a reason.",
            discussion: """
                Calls parley.silence. What is given must all match. Matching alerts are still recorded, but not \
                mailed; parley.silences and parley.alert_log show why. Prints the silence's id (for `parley \
                alerts lift`).

                Examples:
                  parley alerts silence --track istanbul --for "3 days" --reason "Round in progress"
                  parley alerts silence --kind stale --until 2025-09-01 --reason "Summer break"
                """)

        @Option(help: "Alerts about this track.")
        var track: String?

        @Option(help: "Alerts about this agenda item.")
        var item: String?

        @Option(help: "Alerts about this commitment.")
        var commitment: String?

        @Option(help: "Alerts of this kind.")
        var kind: AlertKind?

        @OptionGroup var window: AlertWindow

        @Option(help: "Why, for the colleagues who will wonder where their alerts went.")
        var reason: String

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("alerts silence")
                if let zone = try track.flatMap(connection.timeZone(ofTrack:))
                    ?? commitment.flatMap(connection.timeZone(ofCommitment:)) {
                    try connection.useClock(of: zone)
                }
                var call = FunctionCall("silence")
                call.set("track", track)
                call.set("item", item)
                call.set("commitment", commitment)
                call.set("kind", kind?.rawValue)
                call.set("until", try window.end(on: connection))
                call.set("reason", reason)
                report(try call.run(on: connection))
            }
        }
    }
}
