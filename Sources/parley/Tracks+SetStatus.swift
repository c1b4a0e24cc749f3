import ArgumentParser
import Parley

extension ParleyCommand.Tracks {
    struct SetStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-status",
            abstract: "Pause, conclude or resume a track.",
            discussion: """
                Calls parley.update_track(track => ..., status => ...); the change history keeps when and by whom.

                Example:
                  parley tracks set-status istanbul paused
                """)

        @Argument(help: "The track's code.")
        var code: String

        @Argument(help: "Whether the track is going on.")
        var status: TrackStatus

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("tracks set-status")
                var call = FunctionCall("update_track")
                call.set("track", code)
                call.set("status", status.rawValue)
                try call.run(on: connection)
            }
        }
    }
}
