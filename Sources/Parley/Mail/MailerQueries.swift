import Foundation
import PQ

/// The mailer's calls into the database: the functions of 000007_alerts.sql (claim, mark, record) and
/// 000008_mailer.sql (what a digest says). Each call is one statement, hence one transaction of its own.
public enum MailerQueries {
    /// A delivery of a round as `parley.claim_round` hands it out.
    public struct Claim: Sendable {
        public var deliveryID: Int64
        public var claimToken: UUID
        public var attempt: Int
        public var personID: Int64
    }

    /// What `parley.mark_deliveries_failed` made of a delivery.
    public struct FailureOutcome: Sendable {
        public var deliveryID: Int64
        /// `pending` (will be retried at `retryAt`), `failed` (given up), or `cancelled` (no longer wanted).
        public var state: String
        public var attempts: Int
        public var retryAt: Date?
    }

    /// The database clock, or `override` when a test or drill chose the moment.
    public static func now(_ connection: Connection, override: Date?) throws -> Date {
        if let override { return override }
        return try connection.query("select now() as now")[0].decode("now")
    }

    /// The installation's identity, part of every Message-ID (`parley.installation_id()`).
    public static func installationID(_ connection: Connection) throws -> UUID {
        try Installation.id(on: connection)
    }

    /// A round as `parley.claim_round` claimed it, each delivery in its digest.
    public struct Round: Sendable {
        public var claimToken: UUID
        public var claims: [Claim]
        /// The Message-ID of each claimed delivery's digest: fixed by an earlier claim, or by this one.
        public var messageIDs: [Int64: String]
    }

    /// Claims a round of up to `maxCount` due deliveries until `at + lease` and fixes its digests, in one statement:
    /// digests fixed by an earlier claim come back whole with their Message-ID; the other deliveries make one digest
    /// per recipient, whose Message-ID (`parley.digest_message_id`, on `domain`) the claim records as it claims
    /// them. Nil when nothing is due.
    public static func claimRound(
        _ connection: Connection, at: Date, lease: Duration, maxCount: Int, domain: String
    ) throws -> Round? {
        let rows = try connection.query(
            "select delivery_id, claim_token, attempt, person_id, digest_message_id"
                + " from parley.claim_round($1, make_interval(secs => $2), $3, $4)",
            [at, Int(lease.components.seconds), maxCount, domain])
        var claims: [Claim] = []
        var messageIDs: [Int64: String] = [:]
        claims.reserveCapacity(rows.count)
        for row in rows {
            let claim = Claim(
                deliveryID: try row.decode("delivery_id"), claimToken: try row.decode("claim_token"),
                attempt: try row.decode("attempt"), personID: try row.decode("person_id"))
            claims.append(claim)
            guard let fixed: String = try row.decode("digest_message_id") else {
                throw MailerError.unexpectedData("parley.claim_round left delivery \(claim.deliveryID) in no digest")
            }
            messageIDs[claim.deliveryID] = fixed
        }
        guard let token = claims.first?.claimToken else { return nil }
        return Round(claimToken: token, claims: claims, messageIDs: messageIDs)
    }

    /// Marks a round's deliveries sent, each with its digest's Message-ID; returns those this run still held.
    public static func markRoundSent(_ connection: Connection, deliveryIDs: [Int64], claimToken: UUID, at: Date) throws -> Set<Int64> {
        Set(try connection.query(
            "select id from parley.mark_round_sent($1, $2, $3) as marked(id)", [deliveryIDs, claimToken, at]
        ).map { try $0.decode("id") as Int64 })
    }

    /// What the digests say about claimed deliveries.
    public static func digestEntries(
        _ connection: Connection, deliveryIDs: [Int64], at: Date, ceiling: DigestEntry.Classification
    ) throws -> [DigestEntry] {
        try connection.query(
            "select * from parley.delivery_digest($1, $2, $3::parley.classification)",
            [deliveryIDs, at, ceiling.rawValue]
        ).map(DigestEntry.init(row:))
    }

    /// What the next run would send, without claiming: all recipients, or the one with e-mail `recipient`.
    ///
    /// - Throws: `PQError` with SQLSTATE 23503 when `recipient` names nobody.
    public static func preview(
        _ connection: Connection, at: Date, ceiling: DigestEntry.Classification, recipient: String?
    ) throws -> [DigestEntry] {
        try connection.query(
            "select * from parley.digest_preview($1, $2::parley.classification, $3)", [at, ceiling.rawValue, recipient]
        ).map(DigestEntry.init(row:))
    }

    /// The Message-ID a claim of exactly these deliveries gives their digest (`parley.digest_message_id`), for a
    /// preview, which claims nothing: what it shows is what the send will carry.
    public static func digestMessageID(
        _ connection: Connection, installation: UUID, deliveryIDs: [Int64], domain: String
    ) throws -> String {
        try connection.query(
            "select parley.digest_message_id($1, $2, $3) as id", [installation, deliveryIDs, domain]
        )[0].decode("id")
    }

    /// Marks deliveries sent with the Message-ID that carried them; returns how many this run still held.
    public static func markSent(
        _ connection: Connection, deliveryIDs: [Int64], messageID: String, claimToken: UUID, at: Date
    ) throws -> Int {
        try connection.query(
            "select parley.mark_deliveries_sent($1, $2, $3, $4) as marked", [deliveryIDs, messageID, claimToken, at]
        )[0].decode("marked")
    }

    /// Records a failed attempt; each delivery is retried later or given up.
    public static func markFailed(
        _ connection: Connection, deliveryIDs: [Int64], error: String, claimToken: UUID, at: Date
    ) throws -> [FailureOutcome] {
        try connection.query(
            "select delivery_id, state::text as state, attempts, retry_at from parley.mark_deliveries_failed($1, $2, $3, $4)",
            [deliveryIDs, error, claimToken, at]
        ).map { row in
            FailureOutcome(
                deliveryID: try row.decode("delivery_id"), state: try row.decode("state"),
                attempts: try row.decode("attempts"), retryAt: try row.decode("retry_at"))
        }
    }

    /// Hands back claimed deliveries this run did not try to send: pending again after `retryAfter`, the claim's
    /// attempt undone. Returns how many were still this run's.
    public static func release(
        _ connection: Connection, deliveryIDs: [Int64], claimToken: UUID, at: Date, retryAfter: Duration
    ) throws -> Int {
        try connection.query(
            "select parley.release_deliveries($1, $2, $3, make_interval(secs => $4)) as released",
            [deliveryIDs, claimToken, at, Int(retryAfter.components.seconds)])[0].decode("released")
    }

    /// Records the run for `parley.mailer_runs` and `parley.alert_status`.
    public static func recordRun(
        _ connection: Connection, startedAt: Date, finishedAt: Date, claimed: Int, sent: Int, failed: Int,
        exitStatus: Int32
    ) throws {
        try connection.execute(
            "select parley.record_mailer_run($1, $2, $3, $4, $5, $6)",
            [startedAt, max(finishedAt, startedAt), claimed, sent, failed, Int(exitStatus)])
    }
}
