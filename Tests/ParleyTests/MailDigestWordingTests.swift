import Foundation
import PQ
import ParleyTestSupport
import Testing
@testable import Parley

/// What a digest says about escalations and follow-ups, from alerts the database planned (not entries made by hand):
/// the words must follow who was really told and how staff name a follow-up.
@Suite struct MailDigestWordingTests {
    static let renderer = DigestRenderer(
        from: MailAddress(displayName: "Parley", address: "parley@mfa.example")!,
        installation: UUID(uuidString: "7d2a4c1e-0000-4000-8000-000000000001")!)

    /// The bodies of every digest the next mailer run would send, by recipient's e-mail.
    static func bodies(_ connection: Connection, at: Date) throws -> [String: String] {
        let entries = try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: nil)
        var bodies: [String: String] = [:]
        for digest in Digest.grouped(entries, writtenAt: at) {
            bodies[digest.recipient.email] = renderer.body(for: digest)
        }
        return bodies
    }

    @Test func anEscalationIsMentionedOnlyWhenSomebodyBesidesTheOwnerWasTold() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            // TestWorld's owner leads the track: escalating their own commitment tells nobody new.
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "owned-by-lead", dueInDays: -20, madeDaysAgo: 30)
            try connection.execute(
                "select parley.add_person(email => 'analyst@example.org', name => 'Analyst', timezone => 'Europe/Kyiv')")
            try TestWorld.addCommitment(on: connection, code: "owned-by-analyst", dueInDays: -20, madeDaysAgo: 30)
            try connection.execute(
                "select parley.update_commitment(commitment => 'owned-by-analyst', owner => 'analyst@example.org')")
            let at: Date = try connection.value("select now()")
            try connection.execute("select * from parley.plan_alerts($1)", [at])
            // Both overdue alerts are escalated in the database: 18 days past the deadline, beyond the 14 of the rule.
            let escalated: Int = try connection.value(
                "select count(*)::int from parley_data.alerts where kind = 'overdue' and escalated")
            #expect(escalated == 2)

            let entries = try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: nil)
            #expect(entries.first { $0.subjectCode == "owned-by-lead" && $0.kind == .overdue }?.escalated == false)
            #expect(entries.first { $0.subjectCode == "owned-by-analyst" && $0.kind == .overdue }?.escalated == true)

            let bodies = try Self.bodies(connection, at: at)
            let lead = try #require(bodies[TestWorld.owner])
            let analyst = try #require(bodies["analyst@example.org"])
            // The lead's digest: their own overdue commitment without the escalation line, the analyst's with it
            // (they get it as the track's lead).
            func overdueEntry(_ code: String, in body: String) -> String? {
                body.components(separatedBy: "\n[").first { $0.contains("OVERDUE") && $0.contains("'\(code)'") }
            }
            let own = try #require(overdueEntry("owned-by-lead", in: lead))
            let analysts = try #require(overdueEntry("owned-by-analyst", in: lead))
            #expect(!own.contains("Escalated:"))
            #expect(own.contains("to you as its owner"))
            #expect(analysts.contains("to you as the track's lead (escalated)"))
            #expect(analyst.contains("Escalated:   overdue long enough for the track's lead to be told too"))
        }
    }

    @Test func aFollowUpIsNamedByItsCode() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try TestWorld.create(on: connection)
            try TestWorld.addCommitment(on: connection, code: "ist-swap", dueInDays: 10)
            let coded: String = try connection.value("""
                select parley.add_follow_up(assignee => $1, due_at => now() - interval '1 hour',
                       note => 'Ask the ICRC for the lists', commitment => 'ist-swap', code => 'fu-icrc-lists')
                """, [TestWorld.owner])
            let uncoded: String = try connection.value("""
                select parley.add_follow_up(assignee => $1, due_at => now() - interval '2 hours',
                       note => 'Brief the minister', track => 'istanbul')
                """, [TestWorld.owner])
            let uncodedID: Int64 = try connection.value("select id from parley_data.follow_ups where code is null")
            #expect(uncoded == "F\(uncodedID)")
            let at: Date = try connection.value("select now()")
            try connection.execute("select * from parley.plan_alerts($1)", [at])

            let body = try #require(try Self.bodies(connection, at: at)[TestWorld.owner])
            #expect(body.contains("Follow-up:   \(coded)"))
            #expect(body.contains("select * from parley.follow_ups where code = 'fu-icrc-lists';"))
            #expect(body.contains("select parley.complete_follow_up('fu-icrc-lists');"))
            #expect(body.contains("Follow-up:   \(uncoded)"))
            #expect(body.contains("select * from parley.follow_ups where coalesce(code, 'F' || id) = '\(uncoded)';"))
            #expect(body.contains("select parley.complete_follow_up('\(uncoded)');"))
            // No follow-up is known by its bare number.
            #expect(!body.contains("follow_ups where id ="))

            // The queries the digest offers find the follow-ups they name.
            let found: Int = try connection.value(
                "select count(*)::int from parley.follow_ups where code = 'fu-icrc-lists' or coalesce(code, 'F' || id) = $1",
                [uncoded])
            #expect(found == 2)
        }
    }
}
