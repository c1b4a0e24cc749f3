import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Codes are unique per classification level (issue 12, item 2): a writer cleared for restricted who adds a code
/// already used at secret is told nothing and gets a commitment of its own; a login cleared for both sees two and
/// names the one it means as code@level; `parley commitments show` answers each login about its own.
@Suite struct ClassifiedReferenceCommandTests {
    @Test func twinCodesAreNamedByLevelAndEachLoginSeesItsOwn() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            _ = try TestWorld.addCommitment(on: connection, code: "twin-c", dueInDays: 5, text: "Secret side",
                                            classification: "secret")
            try connection.execute("select parley.record_update(commitment => 'twin-c', delivered => 40, note => 'secret news')")

            let suffix = UUID().uuidString.prefix(8).lowercased()
            let writer = "twin_writer_\(suffix)"
            try connection.execute("create role \(try connection.escapeIdentifier(writer)) login in role parley_writer, parley_clearance_restricted")
            defer {
                _ = try? connection.execute("drop owned by \(writer)")
                _ = try? connection.execute("drop role \(writer)")
            }
            var restricted = database.environment
            restricted["PARLEY_DATABASE_URL"] = database.conninfo + " user=\(writer)"
            func parley(_ arguments: [String], as environment: [String: String]) throws -> ProgramRun {
                try ProgramRun.run("parley", arguments, environment: environment)
            }

            // The restricted writer adds the code as if it were free, because for them it is.
            let added = try parley(["commitments", "add", "--code", "twin-c", "--track", "istanbul", "--item", "pow-exchange",
                                    "--obligor", "RU", "--beneficiary", "UA", "--text", "Open side",
                                    "--classification", "restricted"], as: restricted)
            #expect(added.status == 0, "\(added.stderr)")
            let progress = try parley(["commitments", "progress", "twin-c", "--delivered", "5", "--note", "open news"],
                                      as: restricted)
            #expect(progress.status == 0, "\(progress.stderr)")

            // Each login's plain code names what it may see.
            let own = try parley(["commitments", "show", "twin-c"], as: restricted)
            #expect(own.status == 0, "\(own.stderr)")
            #expect(own.stdout.contains("Open side") && own.stdout.contains("open news"))
            #expect(!own.stdout.contains("Secret side") && !own.stdout.contains("secret news"))
            // Naming the hidden one is answered exactly as naming a code nobody used.
            let hidden = try parley(["commitments", "show", "twin-c@secret"], as: restricted)
            let nothing = try parley(["commitments", "show", "no-such-c@secret"], as: restricted)
            #expect(hidden.status == Sysexits.dataError && nothing.status == Sysexits.dataError)
            #expect(hidden.stderr.replacingOccurrences(of: "twin-c", with: "X")
                    == nothing.stderr.replacingOccurrences(of: "no-such-c", with: "X"))

            // Cleared for both (the test's login): the plain code is ambiguous, and the refusal says how to choose.
            let ambiguous = try parley(["commitments", "show", "twin-c"], as: database.environment)
            #expect(ambiguous.status == Sysexits.dataError)
            #expect(ambiguous.stderr.contains("\"twin-c@restricted\"") && ambiguous.stderr.contains("\"twin-c@secret\""),
                    "\(ambiguous.stderr)")
            let secret = try parley(["commitments", "show", "twin-c@secret"], as: database.environment)
            #expect(secret.status == 0, "\(secret.stderr)")
            #expect(secret.stdout.contains("Secret side") && secret.stdout.contains("secret news"))
            #expect(!secret.stdout.contains("open news"), "the updates are those of the commitment named")
            let open = try parley(["commitments", "show", "twin-c@restricted"], as: database.environment)
            #expect(open.stdout.contains("open news") && !open.stdout.contains("secret news"))

            // Renaming one ends the clash.
            try connection.execute("select parley.rename('commitment', 'twin-c@restricted', 'twin-c-open')")
            let plain = try parley(["commitments", "show", "twin-c"], as: database.environment)
            #expect(plain.status == 0 && plain.stdout.contains("Secret side"), "\(plain.stderr)")
        }
    }
}
