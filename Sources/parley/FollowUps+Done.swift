import ArgumentParser
import Parley

extension ParleyCommand.FollowUps {
    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a follow-up done.",
            discussion: """
                Calls parley.complete_follow_up.

                Example:
                  parley follow-ups done F3 --note "Conditions received from the Russian delegation"
                """)

        @Argument(help: "The follow-up's code (F and its number when it was added without one).")
        var followUp: String

        @Option(help: "What came of it.")
        var note: String?

        @Option(help: "When it was done (default now); without a UTC offset, on the assignee's clock.")
        var doneAt: String?

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("follow-ups done")
                if let zone = try connection.timeZone(ofFollowUp: followUp) { try connection.useClock(of: zone) }
                let moments = try readMoments([("--done-at", doneAt)], on: connection)
                var call = FunctionCall("complete_follow_up")
                call.set("follow_up", followUp)
                call.set("done_at", moments[0])
                call.set("note", note)
                try call.run(on: connection)
            }
        }
    }
}
