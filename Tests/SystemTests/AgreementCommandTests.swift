import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Agreements from the command line with parleyd running (issue 13): an arrangement is added, signed, enters into
/// force, is renewed, suspended and resumed by a party, and a party withdraws; the daemon tells the suspension and
/// the withdrawal at once, the withdrawal closes the party's open provision as breached, and an agreement that has
/// ended refuses a renewal naming the rule, changing nothing.
@Suite struct AgreementCommandTests {
    func environment(_ database: TestDatabase) -> [String: String] {
        var environment = database.environment
        environment["PARLEY_ENV_FILE"] = "/nonexistent/parley.env"
        return environment
    }

    @Test func anArrangementIsRenewedSuspendedAndWithdrawnFromThroughTheCommandLine() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "ru-exchange", dueInDays: 20)
            let daemon = try BackgroundProgram("parleyd", environment: environment(database))
            #expect(daemon.waitForOutput(containing: "leading"), "stderr: \(daemon.stderr)")
            func parley(_ arguments: [String]) throws -> ProgramRun {
                let run = try ProgramRun.run("parley", arguments, environment: environment(database))
                return run
            }
            func succeeds(_ arguments: [String]) throws {
                let run = try parley(arguments)
                #expect(run.status == 0, "parley \(arguments.joined(separator: " ")): \(run.stderr)")
            }
            func day(_ offset: Int) throws -> String {
                try connection.value("select (current_date + $1::int)::text", [offset])
            }
            func alerts() throws -> [String] {
                try connection.query(
                    """
                    select kind::text as kind from parley_data.alerts
                     where subject_type = 'agreement' and subject_code = 'exchange-arr' and state <> 'cancelled' order by 1
                    """).map { try $0.decode("kind") }
            }

            try succeeds(["sources", "add", "src-arr", "--title", "Exchange arrangement announced",
                          "--url", "https://example.org/arrangement", "--published-on", try day(-10)])
            try succeeds(["agreements", "add", "--code", "exchange-arr", "--title", "Exchange arrangement",
                          "--track", TestWorld.track, "--kind", "exchange_of_letters", "--party", "UA:signatory",
                          "--party", "RU:signatory", "--party", "TR:mediator", "--term-length", "30 days",
                          "--owner", TestWorld.owner, "--source", "src-arr"])
            try succeeds(["agreements", "provision", "exchange-arr", "--commitment", "ru-exchange", "--article", "Art. 1"])
            try succeeds(["agreements", "sign", "exchange-arr", "--party", "UA", "--on", try day(-10), "--at", "Istanbul"])
            try succeeds(["agreements", "sign", "exchange-arr", "--party", "RU", "--on", try day(-10)])
            try succeeds(["agreements", "enter-into-force", "exchange-arr", "--on", try day(-10), "--source", "src-arr"])
            let firstEnd: String = try connection.value(
                "select term_ends_on::text from parley.agreements where code = 'exchange-arr'")
            #expect(firstEnd == (try day(19)), "a 30-day term from ten days ago ends in 19 days")

            // The renewal runs on from the first term's last day; the listing shows the new end.
            try succeeds(["agreements", "renew", "exchange-arr", "--term-length", "30 days", "--agreed-by", "UA",
                          "--agreed-by", "RU", "--agreed-on", try day(0), "--source", "src-arr"])
            let listing = try parley(["agreements", "list", "--format", "csv"])
            #expect(listing.status == 0, "\(listing.stderr)")
            #expect(listing.stdout.contains("exchange-arr,Exchange arrangement,exchange_of_letters,in_force,"), "\(listing.stdout)")
            #expect(listing.stdout.contains(try day(49)), "the renewed term ends 30 days after the first: \(listing.stdout)")

            // A party suspends, then resumes: the daemon tells the suspension at once.
            try succeeds(["agreements", "suspend", "exchange-arr", "--party", "RU", "--source", "src-arr"])
            #expect(try poll(timeout: .seconds(5)) { try alerts().contains("agreement_suspended") }, "stderr: \(daemon.stderr)")
            try succeeds(["agreements", "resume", "exchange-arr", "--party", "RU"])

            // A withdrawal by an obligor: told at once, critical, and its open provision is closed as breached.
            try succeeds(["agreements", "withdraw", "exchange-arr", "--party", "RU", "--source", "src-arr",
                          "--note", "No further exchanges"])
            #expect(try poll(timeout: .seconds(5)) { try alerts().contains("agreement_withdrawal") }, "stderr: \(daemon.stderr)")
            let provision: String = try connection.value(
                "select status::text from parley_data.commitments where code = 'ru-exchange'")
            #expect(provision == "breached")
            let toldNow: Int = try connection.value(
                """
                select count(*)::int from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
                 where a.subject_code = 'exchange-arr' and a.kind in ('agreement_suspended', 'agreement_withdrawal')
                   and d.send_after <= now()
                """)
            #expect(toldNow >= 2, "the suspension and the withdrawal are mailed at once")

            let shown = try parley(["agreements", "show", "exchange-arr"])
            #expect(shown.status == 0, "\(shown.stderr)")
            for line in ["party withdrew", "agreement renewed", "participation suspended", "participation resumed",
                         "Art. 1", "breached"] {
                #expect(shown.stdout.contains(line), "show lacks \(line): \(shown.stdout)")
            }

            // Ended, it is final: a renewal is refused, naming the rule, and nothing is written.
            try succeeds(["agreements", "end", "exchange-arr", "--as", "terminated", "--on", try day(0)])
            let refused = try parley(["agreements", "renew", "exchange-arr", "--term-length", "30 days",
                                      "--agreed-by", "UA"])
            #expect(refused.status == Sysexits.dataError)
            #expect(refused.stderr.contains("terminated") && refused.stderr.contains("cannot be renewed"), "\(refused.stderr)")
            let terms: Int = try connection.value(
                "select count(*)::int from parley_data.agreement_terms t join parley_data.agreements a on a.id = t.agreement_id where a.code = 'exchange-arr'")
            #expect(terms == 2, "the refused renewal wrote no term")
            // Ended, it leaves the default listing; --all still shows it.
            let open = try parley(["agreements", "list", "--format", "csv"])
            #expect(!open.stdout.contains("exchange-arr"), "\(open.stdout)")
            let all = try parley(["agreements", "list", "--all", "--format", "csv"])
            #expect(all.stdout.contains("exchange-arr,Exchange arrangement,exchange_of_letters,terminated,"), "\(all.stdout)")

            daemon.send(SIGTERM)
            #expect(daemon.waitForExit() == 0)
        }
    }

    /// A withdrawal before anyone signed, and a party in two incompatible roles, are refused by the command, saying
    /// which agreement or party broke which rule, and nothing is written.
    @Test func incoherentParticipationIsRefusedNamingTheField() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            func parley(_ arguments: [String]) throws -> ProgramRun {
                try ProgramRun.run("parley", arguments, environment: environment(database))
            }
            let added = try parley(["agreements", "add", "--code", "memo", "--title", "Memorandum",
                                    "--track", TestWorld.track, "--party", "UA:signatory", "--party", "RU:signatory"])
            #expect(added.status == 0, "\(added.stderr)")
            let early = try parley(["agreements", "withdraw", "memo", "--party", "RU"])
            #expect(early.status == Sysexits.dataError)
            #expect(early.stderr.contains("agreement \"memo\" has not been signed"), "\(early.stderr)")
            let twoRoles = try parley(["agreements", "add", "--code", "memo-2", "--title", "Memorandum 2",
                                       "--track", TestWorld.track, "--party", "TR:signatory", "--party", "TR:mediator"])
            #expect(twoRoles.status == Sysexits.dataError)
            #expect(twoRoles.stderr.contains("party \"TR\" is signatory of this agreement and cannot also be its mediator"),
                    "\(twoRoles.stderr)")
            let count: Int = try connection.value("select count(*)::int from parley_data.agreements")
            #expect(count == 1, "the refused agreement was not written")
            let events: Int = try connection.value("select count(*)::int from parley_data.agreement_participation")
            #expect(events == 0, "the refused withdrawal was not written")
        }
    }
}
