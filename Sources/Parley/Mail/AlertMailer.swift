import Foundation
import PQ

/// One run of `parley alerts send`: claim due deliveries, render one digest per recipient, hand each to the
/// transport, mark it sent (or failed), record the run.
///
/// **At least once, never lost.** Deliveries are claimed with `FOR UPDATE SKIP LOCKED` under a lease
/// (`parley.claim_deliveries`), so two runs at once never claim the same one, and a run that dies leaves its claims
/// to be taken over when the lease ends. A digest is marked sent, with its Message-ID, in the statement that ends the
/// claim, after the transport accepted it; a run killed in between sends it again later with the same Message-ID.
/// A transport that accepts a round at a time (a directory) has the round's digests marked after its flush, in one
/// transaction.
///
/// **Quiet.** Nothing is printed on success. `verbose` writes a line per digest to `output`; each delivery given up
/// after its last attempt writes one line to `errors`, which cron mails to the operator.
public final class AlertMailer {
    /// What a run is asked to do.
    public struct Options: Sendable {
        /// At most this many deliveries in the whole run; nil for all that are due.
        public var limit: Int?
        /// Say what was sent.
        public var verbose: Bool
        /// The moment to act at instead of the database clock (tests and drills only).
        public var at: Date?
        /// Deliveries claimed per round; a recipient's alerts are one digest within a round.
        public var batchSize: Int

        public init(limit: Int? = nil, verbose: Bool = false, at: Date? = nil, batchSize: Int = 500) {
            self.limit = limit
            self.verbose = verbose
            self.at = at
            self.batchSize = batchSize
        }
    }

    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// Deliveries claimed.
        public var claimed = 0
        /// Deliveries sent (and marked so).
        public var sent = 0
        /// Deliveries whose attempt failed in this run (retried later, or given up).
        public var failed = 0
        /// Deliveries given up on in this run (now in `parley.delivery_failures`).
        public var givenUp = 0
        /// Digests handed to the transport.
        public var messages = 0

        /// 0 when everything claimed was sent; 75 (`EX_TEMPFAIL`) when some attempt failed.
        public var exitStatus: Int32 {
            failed > 0 ? Sysexits.temporaryFailure : Sysexits.ok
        }

        public init() {}
    }

    private let connection: Connection
    private let settings: MailSettings
    private let transport: any MailTransport
    private let options: Options
    private let output: (String) -> Void
    private let errors: (String) -> Void

    /// Consecutive failed attempts after which a run stops trying (the MTA is down; the next run tries again).
    static let failuresBeforeGivingUpTheRun = 3

    /// - Parameters:
    ///   - output: receives `--verbose` lines (without line breaks).
    ///   - errors: receives the line about each delivery given up (without `parley: ` and line break).
    public init(
        connection: Connection, settings: MailSettings, transport: any MailTransport, options: Options,
        output: @escaping (String) -> Void, errors: @escaping (String) -> Void
    ) {
        self.connection = connection
        self.settings = settings
        self.transport = transport
        self.options = options
        self.output = output
        self.errors = errors
    }

    /// Runs once and records the run in `parley.mailer_runs`.
    ///
    /// - Throws: `MailerError` when the transport cannot work at all (nothing is claimed; the run is recorded with
    ///   its exit status); `PQError` when the database fails (claims then lapse and are retried after the lease).
    public func run() throws -> Report {
        let startedAt = try MailerQueries.now(connection, override: options.at)
        do {
            try transport.checkUsable()
        } catch let error as MailerError {
            try? MailerQueries.recordRun(
                connection, startedAt: startedAt, finishedAt: startedAt, claimed: 0, sent: 0, failed: 0,
                exitStatus: ErrorReport(error).exitStatus)
            throw error
        }
        var report = Report()
        var consecutiveFailures = 0
        var stopReason: String?
        let renderer = DigestRenderer(from: settings.from, installation: try MailerQueries.installationID(connection))
        let briefWriter = DigestBriefWriter(connection: connection, ceiling: settings.maxClassification)

        while stopReason == nil {
            let wanted = min(options.batchSize, (options.limit ?? Int.max) - report.claimed)
            guard wanted > 0 else { break }
            let at = try MailerQueries.now(connection, override: options.at)
            let claims = try MailerQueries.claim(connection, at: at, lease: settings.lease, maxCount: wanted)
            guard let token = claims.first?.claimToken else { break }
            let claimedAt = ContinuousClock.now
            report.claimed += claims.count

            let entries = try MailerQueries.digestEntries(
                connection, deliveryIDs: claims.map(\.deliveryID), at: at, ceiling: settings.maxClassification)
            // Handed to a transport that accepts a round at a time, to be marked after its flush.
            var handed: [(digest: Digest, message: MailMessage)] = []
            for var digest in Digest.grouped(entries, writtenAt: at) {
                // Never send what another run may take over: the lease must outlast this attempt.
                if stopReason == nil, ContinuousClock.now - claimedAt + settings.sendmailTimeout + .seconds(10) > settings.lease {
                    stopReason = "not attempted: this run's lease of \(settings.lease.components.seconds) s ran out first"
                }
                if stopReason != nil {
                    // Never handed to sendmail: given back for the next run, not counted as an attempt.
                    let at = try MailerQueries.now(connection, override: options.at)
                    report.failed += try MailerQueries.release(
                        connection, deliveryIDs: digest.deliveryIDs, claimToken: token, at: at, retryAfter: .seconds(60))
                    continue
                }
                digest.briefs = briefWriter.briefs(for: digest)
                let message = renderer.message(for: digest)
                do {
                    try transport.send(message)
                } catch let error as MailTransportError {
                    try fail(digest, error: error.description, token: token, report: &report)
                    consecutiveFailures += 1
                    if error.stopsRun || consecutiveFailures >= Self.failuresBeforeGivingUpTheRun {
                        stopReason = "not attempted: sending stopped after: \(error.description)"
                    }
                    continue
                }
                consecutiveFailures = 0
                if transport.acceptsInRounds {
                    handed.append((digest, message))
                    continue
                }
                report.messages += 1
                let sentAt = try MailerQueries.now(connection, override: options.at)
                try markSent(digest, message: message, token: token, at: sentAt, on: connection, report: &report)
            }
            if !handed.isEmpty {
                do {
                    try transport.flush()
                    report.messages += handed.count
                    let sentAt = try MailerQueries.now(connection, override: options.at)
                    try connection.transaction { connection in
                        for (digest, message) in handed {
                            try markSent(digest, message: message, token: token, at: sentAt, on: connection, report: &report)
                        }
                    }
                } catch let error as MailTransportError {
                    for (digest, _) in handed {
                        try fail(digest, error: error.description, token: token, report: &report)
                    }
                    stopReason = "not attempted: sending stopped after: \(error.description)"
                }
            }
            if claims.count < wanted { break }
        }

        let finishedAt = try MailerQueries.now(connection, override: options.at)
        if options.verbose {
            output("claimed \(report.claimed), sent \(report.sent), failed \(report.failed)"
                + (report.givenUp > 0 ? " (\(report.givenUp) given up)" : ""))
        }
        try MailerQueries.recordRun(
            connection, startedAt: startedAt, finishedAt: finishedAt, claimed: report.claimed, sent: report.sent,
            failed: report.failed, exitStatus: report.exitStatus)
        return report
    }

    /// Marks a digest's deliveries sent with its Message-ID (those still claimed by this run).
    private func markSent(
        _ digest: Digest, message: MailMessage, token: UUID, at: Date, on connection: Connection, report: inout Report
    ) throws {
        let marked = try MailerQueries.markSent(
            connection, deliveryIDs: digest.deliveryIDs, messageID: message.messageID, claimToken: token, at: at)
        report.sent += marked
        if options.verbose {
            let taken = marked < digest.entries.count
                ? " (\(digest.entries.count - marked) had been taken over by another run)" : ""
            output("sent \(count(digest.entries.count, "alert")) to \(digest.recipient.email) as "
                + "\(message.messageID) (deliveries \(list(digest.deliveryIDs)))\(taken)")
        }
    }

    /// Records a failed attempt for a digest's deliveries and reports those given up.
    private func fail(_ digest: Digest, error: String, token: UUID, report: inout Report) throws {
        let at = try MailerQueries.now(connection, override: options.at)
        let outcomes = try MailerQueries.markFailed(
            connection, deliveryIDs: digest.deliveryIDs, error: error, claimToken: token, at: at)
        report.failed += outcomes.count
        let entries = Dictionary(digest.entries.map { ($0.deliveryID, $0) }, uniquingKeysWith: { first, _ in first })
        for outcome in outcomes {
            let entry = entries[outcome.deliveryID]
            // Above the ceiling, the subject's code stays out of the line too: cron mails it.
            let what = entry.map { $0.details == nil ? "alert \($0.alertID)" : "alert \($0.alertID) (\(DigestFormat.words($0.kind.rawValue)) \($0.subjectCode))" }
                ?? "an alert"
            switch outcome.state {
            case "failed":
                report.givenUp += 1
                errors("gave up on delivery \(outcome.deliveryID) of \(what) to \(digest.recipient.email) after "
                    + "\(count(outcome.attempts, "attempt")): \(error); see parley.delivery_failures")
            case "pending" where options.verbose:
                output("could not send delivery \(outcome.deliveryID) of \(what) to \(digest.recipient.email) "
                    + "(attempt \(outcome.attempts)): \(error); retry after "
                    + (outcome.retryAt.map(Timestamps.iso) ?? "the back-off"))
            default:
                break
            }
        }
    }

    /// What the next run would send, without claiming or marking anything (`--dry-run`, `parley digest`).
    ///
    /// - Parameter recipient: only this person's digest (by e-mail, any case); nil for everyone's.
    /// - Throws: `PQError` with SQLSTATE 23503 when `recipient` names nobody.
    public static func preview(
        connection: Connection, settings: MailSettings, at override: Date?, recipient: String? = nil, limit: Int? = nil
    ) throws -> [Digest] {
        let at = try MailerQueries.now(connection, override: override)
        var entries = try MailerQueries.preview(connection, at: at, ceiling: settings.maxClassification, recipient: recipient)
        if let limit, entries.count > limit {
            let kept = Set(entries.map(\.deliveryID).sorted().prefix(limit))
            entries = entries.filter { kept.contains($0.deliveryID) }
        }
        return Digest.grouped(entries, writtenAt: at)
    }

    private func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    private func list(_ ids: [Int64]) -> String {
        ids.map(String.init).joined(separator: ", ")
    }
}
