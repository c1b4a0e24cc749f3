import ArgumentParser
import Parley

extension ParleyCommand.FollowUps {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add something a member of staff owes, about a commitment, a meeting or a track.",
            discussion: """
                Calls parley.add_follow_up. Prints its code (F and its number when --code is left out).

                Example:
                  parley follow-ups add --assignee desk@example.org --due-at "2025-05-20 17:00" \\
                    --meeting ist-r1 --note "Chase the written ceasefire conditions"
                """)

        @Option(help: "The e-mail of the member of staff who owes it.")
        var assignee: String

        @Option(help: "When it is due; without a UTC offset, on the assignee's clock.")
        var dueAt: String

        @Option(help: "What is to be done.")
        var note: String

        @Option(help: "The commitment it is about.")
        var commitment: String?

        @Option(help: "The meeting it is about.")
        var meeting: String?

        @Option(help: "The track it is about.")
        var track: String?

        @Option(help: "A code for it (default F and its number).")
        var code: String?

        func validate() throws {
            if [commitment, meeting, track].compactMap({ $0 }).count != 1 {
                throw ValidationError("--commitment: a follow-up is about exactly one of --commitment, --meeting or --track.")
            }
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("follow-ups add")
                if let zone = try connection.timeZone(ofPerson: assignee) { try connection.useClock(of: zone) }
                let moments = try readMoments([("--due-at", dueAt)], on: connection)
                var call = FunctionCall("add_follow_up")
                call.set("assignee", assignee)
                call.set("due_at", moments[0])
                call.set("note", note)
                call.set("commitment", commitment)
                call.set("meeting", meeting)
                call.set("track", track)
                call.set("code", code)
                report(try call.run(on: connection))
            }
        }
    }
}
