import ArgumentParser
import Parley

extension ParleyCommand.Commitments {
    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record progress against a commitment: a delivered quantity, a new status, evidence.",
            discussion: """
                Calls parley.record_update. --delivered is what this stage delivered (not a running total); the \
                total and the status follow. Leaving fulfilled, breached, withdrawn or superseded, or going back to \
                pending, is a reopen: give --reopen and say why in --note. Prints the update's number.

                Examples:
                  parley commitments progress ist-bodies-ru --reported-on 2025-06-11 --delivered 1212 \\
                    --status partially_fulfilled --reported-by UA --verification one_party
                  parley commitments update ist-ceasefire-ru --status breached --note "No written conditions"
                """,
            aliases: ["update"])

        @Argument(help: "The commitment's code.")
        var commitment: String

        @Option(help: "The day of the report, YYYY-MM-DD (default today).")
        var reportedOn: String?

        @Option(parsing: .unconditional, help: "How much this stage delivered.")
        var delivered: String?

        @Option(help: "The commitment's status after this report.")
        var status: CommitmentStatus?

        @Flag(help: "Reopen a commitment that is no longer open (needs --status and --note).")
        var reopen = false

        @Option(help: "What happened, or why.")
        var note: String?

        @Option(help: "The code of the source reporting it.")
        var source: String?

        @Option(help: "The code of the party that reports it.")
        var reportedBy: String?

        @Option(help: "Who confirms it (default unverified).")
        var verification: Verification?

        @Option(help: "The e-mail of the member of staff recording it (default: you, if your login is your e-mail).")
        var recordedBy: String?

        func validate() throws {
            try requireDate(reportedOn, option: "--reported-on")
            try requireNumber(delivered, option: "--delivered")
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let connection = try connect("commitments progress")
                var call = FunctionCall("record_update")
                call.set("commitment", commitment)
                call.set("reported_on", reportedOn)
                call.set("delivered", delivered.flatMap(InputText.number))
                call.set("new_status", status?.rawValue)
                call.set("reopen", reopen ? true : nil)
                call.set("note", note)
                call.set("source", source)
                call.set("reported_by", reportedBy)
                call.set("verification", verification?.rawValue)
                call.set("recorded_by", recordedBy)
                report(try call.run(on: connection))
            }
        }
    }
}
