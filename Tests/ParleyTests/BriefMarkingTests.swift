import Foundation
import PQ
import ParleyTestSupport
import Testing
@testable import Parley

/// The marking of a brief: the highest classification of what it shows, and facts whose classification the views
/// do not give (a party's earlier stance) left out when they could be marked lower than they are.
@Suite struct BriefMarkingTests {
    /// Russia's stance on the exchange changed from opposes (restricted, stated 40 days ago) to supports
    /// (unclassified, 5 days ago); the last meeting was 20 days ago. Everything else is unclassified.
    static func world(_ connection: Connection) throws {
        try TestWorld.create(on: connection)
        try connection.execute("select parley.add_member(track => 'istanbul', party => 'RU', role => 'principal')")
        try connection.execute("select parley.add_member(track => 'istanbul', party => 'UA', role => 'principal')")
        try connection.execute("""
            select parley.add_meeting(code => 'ist-r1', track => 'istanbul', title => 'Round 1', starts_at => now() - interval '20 days')
            """)
        try connection.execute("""
            select parley.record_position(party => 'RU', item => 'pow-exchange', stance => 'opposes', track => 'istanbul',
                   stated_on => current_date - 40, statement => 'Not before a settlement', classification => 'restricted')
            """)
        try connection.execute("""
            select parley.record_position(party => 'RU', item => 'pow-exchange', stance => 'supports', track => 'istanbul',
                   stated_on => current_date - 5, statement => 'Ready to exchange all for all')
            """)
        try TestWorld.addCommitment(on: connection, code: "ist-open", dueInDays: 7)
    }

    @Test func anEarlierStanceIsShownOnlyWhenItCannotRaiseTheMarking() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try Self.world(connection)
            let login = "brief_restricted_\(UUID().uuidString.prefix(8).lowercased())"
            try connection.execute("create role \(login) login in role parley_reader, parley_clearance_restricted")
            defer { _ = try? connection.execute("drop role \(login)") }

            // Cleared for secret (the superuser): everything shown is unclassified, and the earlier stance, whose
            // own classification the views do not give, could be anything up to secret: it is left out.
            let secret = try Brief.load(.track("istanbul"), on: connection)
            #expect(secret.marking == .unclassified)
            let stance = try #require(secret.agenda.first?.stances.first { $0.party == "Russia" })
            #expect(stance.stance == "supports")
            #expect(stance.previousStance == nil && stance.changedOn == nil)
            let html = BriefRenderer().html(secret)
            #expect(!html.contains("changed from") && !html.contains("Not before a settlement"))
            #expect(html.contains("— UNCLASSIFIED</title>"))

            // Cleared for restricted, with a restricted commitment on the track: the marking is restricted, so the
            // earlier stance (at most restricted for this reader) is shown.
            try connection.execute("""
                select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU',
                       beneficiaries => array['UA'], text => 'Restricted promise', code => 'ist-restr',
                       classification => 'restricted')
                """)
            let reader = try Connection(conninfo: database.conninfo + " user=\(login)", applicationName: "brief-test")
            let restricted = try Brief.load(.track("istanbul"), on: reader)
            #expect(restricted.marking == .restricted)
            let changed = try #require(restricted.agenda.first?.stances.first { $0.party == "Russia" })
            #expect(changed.previousStance == "opposes")
            #expect(BriefRenderer().html(restricted).contains("changed from opposes"))
        }
    }
}
