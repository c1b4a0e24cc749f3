import ArgumentParser
import Parley

extension ParleyCommand.Commitments {
    struct SetDue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-due",
            abstract: "Move a commitment's deadline (or remove it with --none).",
            discussion: """
                Calls parley.change_due_date; the change history keeps who moved it, when, and from what date.

                Examples:
                  parley commitments set-due ist-ceasefire-ru 2025-06-30
                  parley commitments set-due ist-ceasefire-ru --none
                """)

        @Argument(help: "The commitment's code.")
        var commitment: String

        @Argument(help: "The new deadline, YYYY-MM-DD.")
        var dueOn: String?

        @Flag(help: "Remove the deadline.")
        var none = false

        func validate() throws {
            if none == (dueOn != nil) {
                throw ValidationError("due_on: give the new deadline (YYYY-MM-DD), or --none to remove it.")
            }
            try requireDate(dueOn, option: "due_on")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("commitments set-due")
                // due_on => NULL removes the deadline, so it is passed even when empty.
                try connection.query("select parley.change_due_date(commitment => $1, due_on => $2::date)",
                                     [commitment, dueOn])
            }
        }
    }
}
