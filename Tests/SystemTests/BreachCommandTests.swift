import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// A breach from the command line (issue 12): recorded with `parley commitments update --status breached`, it leaves
/// the default listing (open commitments), `--all` still shows it, and leaving it takes `--reopen`.
@Suite struct BreachCommandTests {
    @Test func aBreachedCommitmentLeavesTheOpenListingAndComesBackOnlyByAReopen() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "kept-open", dueInDays: 5)
            try TestWorld.addCommitment(on: connection, code: "broken", dueInDays: -3)
            func parley(_ arguments: [String]) throws -> ProgramRun {
                try ProgramRun.run("parley", arguments, environment: database.environment)
            }
            func listed(_ arguments: [String]) throws -> [String] {
                let run = try parley(["commitments", "list", "--format", "csv"] + arguments)
                #expect(run.status == 0, "\(run.stderr)")
                // CSV lines end in CRLF; the first is the header.
                return run.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
                    .map { String($0.prefix { $0 != "," }) }.sorted()
            }
            #expect(try listed([]) == ["broken", "kept-open"])

            let breach = try parley(["commitments", "update", "broken", "--status", "breached", "--note", "No exchange took place"])
            #expect(breach.status == 0, "\(breach.stderr)")
            #expect(try listed([]) == ["kept-open"], "a breach is a verdict: no longer open")
            #expect(try listed(["--all"]) == ["broken", "kept-open"])
            #expect(try listed(["--status", "breached"]) == ["broken"])

            let refused = try parley(["commitments", "update", "broken", "--status", "in_progress"])
            #expect(refused.status == Sysexits.dataError)
            #expect(refused.stderr.contains("new_status") && refused.stderr.contains("reopen"), "\(refused.stderr)")
            let status: String = try connection.value("select status::text from parley_data.commitments where code = 'broken'")
            #expect(status == "breached", "a refused change changes nothing")

            let reopened = try parley(["commitments", "update", "broken", "--status", "in_progress", "--reopen",
                                       "--note", "Talks on the exchange resumed"])
            #expect(reopened.status == 0, "\(reopened.stderr)")
            #expect(try listed([]) == ["broken", "kept-open"], "reopened, it is open again")
        }
    }
}
