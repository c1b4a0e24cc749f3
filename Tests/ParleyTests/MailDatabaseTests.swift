import Foundation
import PQ
import ParleyTestSupport
import Testing
@testable import Parley

/// The mailer's SQL (000008_mailer.sql) through the Swift calls the mailer makes.
@Suite struct MailDatabaseTests {
    /// One overdue commitment of TestWorld, one confidential one, planned at the database's now + 1 day.
    static func world(_ connection: Connection) throws -> Date {
        try TestWorld.create(on: connection)
        try connection.execute("select parley.update_person(person => $1, clearance => 'secret')", [TestWorld.owner])
        try TestWorld.addCommitment(on: connection, code: "open-one", dueInDays: -2)
        try TestWorld.addCommitment(
            on: connection, code: "secret-one", dueInDays: -3, text: "Classified side letter", classification: "confidential")
        let at: Date = try connection.value("select now() + interval '1 day'")
        try connection.execute("select * from parley.plan_alerts($1)", [at])
        return at
    }

    @Test func previewAndClaimedDigestAgreeAndHonourTheCeiling() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let at = try Self.world(connection)

            let preview = try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: nil)
            #expect(preview.count == 2)
            let open = try #require(preview.first { $0.subjectCode == "open-one" })
            let secret = try #require(preview.first { $0.subjectCode == "secret-one" })
            #expect(open.details?.commitment?.text == "Exchange 1,000 prisoners for 1,000")
            #expect(open.details?.commitment?.daysLeft == -3)
            #expect(open.details?.track?.timezone == "Europe/Istanbul")
            #expect(secret.details == nil)
            #expect(secret.classification == .confidential)
            #expect(secret.kind == .overdue)

            // The mailer's ceiling is capped by the administrator's (restricted unless raised): asking for more
            // gets no more until an administrator allows it.
            let capped = try MailerQueries.preview(connection, at: at, ceiling: .confidential, recipient: TestWorld.owner)
            #expect(capped.first { $0.subjectCode == "secret-one" }?.details == nil)
            try connection.execute("select parley.set_mail_ceiling('confidential')")
            let wider = try MailerQueries.preview(connection, at: at, ceiling: .confidential, recipient: TestWorld.owner.uppercased())
            #expect(wider.first { $0.subjectCode == "secret-one" }?.details?.commitment?.text == "Classified side letter")

            // Claiming hands out the same deliveries, and the digest of the claimed ones says the same.
            let round = try #require(
                try MailerQueries.claimRound(connection, at: at, lease: .seconds(300), maxCount: 10, domain: "parley.example"))
            let claims = round.claims
            #expect(Set(claims.map(\.deliveryID)) == Set(preview.map(\.deliveryID)))
            let claimed = try MailerQueries.digestEntries(
                connection, deliveryIDs: claims.map(\.deliveryID), at: at, ceiling: .restricted)
            #expect(claimed.map(\.deliveryID).sorted() == preview.map(\.deliveryID).sorted())
            #expect(claimed.allSatisfy { $0.attempts == 1 })
            // Claimed and leased: nothing left to preview until the lease ends.
            #expect(try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: nil).isEmpty)
            #expect(try MailerQueries.preview(connection, at: at.addingTimeInterval(301), ceiling: .restricted, recipient: nil).count == 2)
        }
    }

    @Test func refusalsNameTheField() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let at = try Self.world(connection)
            #expect {
                try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: "nobody@example.org")
            } throws: { error in
                guard let error = error as? PQError else { return false }
                return error.sqlState == .foreignKeyViolation && error.column == "recipient"
            }
            #expect {
                try connection.execute("select * from parley.delivery_digest(null, now())")
            } throws: { error in
                (error as? PQError)?.column == "delivery_ids"
            }
            #expect {
                try connection.execute("select * from parley.digest_preview(null)")
            } throws: { error in
                (error as? PQError)?.column == "at"
            }
        }
    }

    @Test func onlyTheDaemonRoleMayReadDigests() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let at = try Self.world(connection)
            try connection.transaction { connection in
                try connection.execute("set local role parley_daemon")
                #expect(try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: nil).count == 2)
            }
            for role in ["parley_reader", "parley_writer"] {
                #expect {
                    try connection.transaction { connection in
                        try connection.execute("set local role \(role)")
                        _ = try MailerQueries.preview(connection, at: at, ceiling: .restricted, recipient: nil)
                    }
                } throws: { error in
                    (error as? PQError)?.sqlState == .insufficientPrivilege
                }
            }
        }
    }
}
