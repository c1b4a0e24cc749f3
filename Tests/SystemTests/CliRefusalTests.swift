import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Bad input on the command line: refused with a message naming the field, a non-zero exit status, and nothing
/// written.
@Suite struct CliRefusalTests {
    /// A small world to refuse things in: a track with an item and a meeting, two parties, a person, a commitment
    /// that was fulfilled.
    static func world(_ database: TestDatabase) throws {
        let connection = try database.connect()
        try connection.executeScript("""
            select parley.add_person(email => 'desk@example.org', name => 'Desk', timezone => 'Europe/Kyiv');
            select parley.add_party(code => 'UA', name => 'Ukraine');
            select parley.add_party(code => 'RU', name => 'Russia');
            select parley.add_track(code => 'istanbul', name => 'Istanbul', format => 'bilateral', timezone => 'Europe/Istanbul');
            select parley.add_agenda_item(code => 'pow-exchange', title => 'Exchange', track => 'istanbul');
            select parley.add_meeting(code => 'ist-r1', track => 'istanbul', title => 'Round 1', starts_at => '2025-05-16 12:30+03');
            select parley.add_commitment(code => 'swap-ru', track => 'istanbul', item => 'pow-exchange', obligor => 'RU',
                   beneficiaries => array['UA'], text => 'Hand over 1,000', made_on => '2025-05-16', target_quantity => 1000);
            select parley.record_update(commitment => 'swap-ru', reported_on => '2025-05-25', delivered => 1000,
                   new_status => 'fulfilled');
            """, name: "refusal world")
    }

    /// Each case: the arguments, the exit status, and what the message must say (the field and the rule).
    static let cases: [(arguments: [String], status: Int32, says: [String])] = [
        (["tracks", "add", "kyiv", "--name", "Kyiv", "--format", "bilateral", "--timezone", "Europe/Nowhere"], 65,
         ["timezone \"Europe/Nowhere\" is not a known IANA time zone", "HINT:"]),
        (["tracks", "add", "istanbul", "--name", "Again", "--format", "bilateral"], 65, ["track \"istanbul\" already exists"]),
        (["tracks", "add", "bad code", "--name", "X", "--format", "bilateral"], 65, ["code \"bad code\" is not a valid code"]),
        (["tracks", "add", "x", "--name", "X", "--format", "quadrilateral"], 64, ["--format", "quadrilateral"]),
        (["commitments", "add", "--track", "istanbul", "--item", "pow-exchange", "--obligor", "RU", "--beneficiary", "UA",
          "--text", "Late", "--made-on", "2025-05-16", "--due-on", "2025-05-01"], 65,
         ["due_on 2025-05-01 is before made_on 2025-05-16"]),
        (["commitments", "add", "--track", "nope", "--item", "pow-exchange", "--obligor", "RU", "--beneficiary", "UA",
          "--text", "X"], 65, ["track \"nope\" does not exist"]),
        (["commitments", "add", "--track", "istanbul", "--item", "pow-exchange", "--obligor", "RU", "--beneficiary", "RU",
          "--text", "X"], 65, ["beneficiary \"RU\" is the obligor"]),
        (["commitments", "add", "--track", "istanbul", "--item", "pow-exchange", "--obligor", "RU", "--beneficiary", "UA",
          "--text", "X", "--due-on", "2025-02-30"], 64, ["--due-on", "is not a date"]),
        (["commitments", "progress", "swap-ru", "--delivered=-5"], 65, ["delivered -5 is negative"]),
        (["commitments", "progress", "swap-ru", "--status", "in_progress"], 65, ["new_status in_progress needs a reopen"]),
        (["commitments", "progress", "swap-ru", "--delivered", "1,000"], 64, ["--delivered", "is not a number"]),
        (["commitments", "progress", "nope"], 65, ["commitment \"nope\" does not exist"]),
        (["commitments", "set-due", "swap-ru", "2025-05-01"], 65, ["due_on 2025-05-01 is before made_on 2025-05-16"]),
        (["commitments", "show", "nope"], 65, ["commitment \"nope\" does not exist"]),
        (["people", "add", "not-an-address", "--name", "X"], 65, ["email \"not-an-address\" is not a valid e-mail address"]),
        (["people", "add", "DESK@example.org", "--name", "Again"], 65, ["already exists"]),
        (["meetings", "add", "ist-r2", "--track", "istanbul", "--title", "Round 2", "--starts-at", "next tuesday-ish"], 65,
         ["--starts-at: \"next tuesday-ish\" is not a date and time"]),
        (["meetings", "add", "ist-r2", "--track", "istanbul", "--title", "Round 2", "--starts-at", "2025-06-02 13:00",
          "--ends-at", "2025-06-02 11:00"], 65, ["ends_at", "is before starts_at"]),
        (["meetings", "outcome", "nope", "--outcome", "x"], 65, ["meeting \"nope\" does not exist"]),
        (["members", "add", "--track", "istanbul", "--party", "XX", "--role", "host"], 65, ["party \"XX\" does not exist"]),
        (["items", "set-status", "--track", "istanbul", "--item", "pow-exchange", "agreed", "--since", "16/05/2025"], 64,
         ["--since", "is not a date"]),
        (["positions", "record", "--party", "RU", "--item", "nope", "--stance", "refuses"], 65,
         ["agenda item \"nope\"", "does not exist"]),
        (["figures", "add", "--indicator", "bodies", "--value", "6,057", "--as-of", "2025-06-16"], 64,
         ["--value", "is not a number"]),
        (["figures", "add", "--indicator", "bodies", "--value", "6057", "--as-of", "2025-06-16", "--claimant", "XX"], 65,
         ["party \"XX\" given as claimant does not exist"]),
        (["follow-ups", "add", "--assignee", "nobody@example.org", "--due-at", "2025-06-05 17:00", "--track", "istanbul",
          "--note", "x"], 65, ["person \"nobody@example.org\" given as assignee does not exist"]),
        (["follow-ups", "add", "--assignee", "desk@example.org", "--due-at", "2025-06-05 17:00", "--note", "x"], 64,
         ["exactly one of --commitment, --meeting or --track"]),
        (["follow-ups", "done", "F999"], 65, ["follow-up \"F999\" does not exist"]),
        (["subscriptions", "add", "--person", "desk@example.org", "--track", "nope"], 65, ["track \"nope\" does not exist"]),
        (["subscriptions", "remove", "--person", "desk@example.org", "--track", "istanbul"], 65,
         ["has no subscription to track \"istanbul\""]),
        (["sources", "add", "s1", "--title", "T", "--url", "ftp://example.org/x"], 65, ["url \"ftp://example.org/x\" is not a web address"]),
        (["alerts", "ack", "999"], 65, ["alert 999 does not exist"]),
        (["alerts", "snooze", "999", "--for", "soon"], 65, ["--for: \"soon\" is not a length of time"]),
        (["alerts", "silence", "--track", "istanbul", "--reason", "x"], 64, ["--until"]),
        (["alerts", "silence", "--track", "nope", "--for", "1 day", "--reason", "x"], 65, ["track \"nope\" does not exist"]),
        (["alerts", "lift", "999"], 65, ["silence 999 does not exist"]),
        (["calendar", "--track", "nope"], 65, ["track \"nope\" does not exist"]),
        (["calendar", "--person", "nobody@example.org"], 65, ["person \"nobody@example.org\" does not exist"]),
    ]

    @Test(arguments: 0..<cases.count)
    func badInputIsRefusedNamingTheFieldAndChangesNothing(_ index: Int) throws {
        let (arguments, status, says) = Self.cases[index]
        try TestDatabase.with { database in
            try Self.world(database)
            let connection = try database.connect()
            let before = try connection.dataChecksum()
            let run = try ProgramRun.run("parley", arguments, environment: database.environment)
            #expect(run.status == status, "parley \(arguments.joined(separator: " ")): \(run.stderr)")
            for text in says {
                #expect(run.stderr.contains(text), "parley \(arguments.joined(separator: " ")) said: \(run.stderr)")
            }
            #expect(run.stdout.isEmpty)
            #expect(try connection.dataChecksum() == before, "parley \(arguments.joined(separator: " ")) wrote something")
        }
    }
}
