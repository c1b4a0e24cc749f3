import Foundation
import PQ

/// One run of `parley alerts send`: a queue consumer. Round after round it claims due deliveries, renders one
/// digest per recipient, hands them over, and marks the round sent (or failed); then it records the run.
///
/// **A round.** `parley.claim_round` claims up to `batchSize` deliveries with `FOR UPDATE SKIP LOCKED` under a
/// lease, so two runs at once never claim the same one, and fixes their grouping into digests and each digest's
/// Message-ID in the claim's commit (`deliveries.digest_message_id`). The round's digests are rendered
/// concurrently across the cores (a task group), handed over several at once (`PARLEY_MAIL_CONCURRENCY` sendmail
/// processes; a directory's files written 16 at once and flushed once), and the round's accepted deliveries are
/// marked sent in one statement. A round costs two commits (claim, mark) whatever its size.
///
/// **Two rounds in flight** (issue 17). With a second connection (`openPrefetchConnection`, as the command gives; it
/// is opened once a full round says more is due), the next round is claimed, its details and briefs read and its digests rendered on that connection and a
/// thread of its own (`RoundPrefetcher`) while this thread writes and marks the current one: the database's work for
/// a round overlaps the files of the round before. The round claimed ahead is handed over only after the current
/// one was marked.
///
/// **At least once, never lost; at most a round twice.** A digest is marked sent only after the transport accepted
/// it. A run that dies between handing a round over and marking it leaves the round claimed; when the lease ends the
/// next run takes its digests over whole, as they were fixed, and sends them again under the same Message-IDs, so
/// that MTAs and mail clients can drop the copies. At most one round (`batchSize` deliveries) is sent twice per run
/// that dies; the round claimed ahead was never handed over and is only sent later, after its lease. A run that
/// stops sending gives the round claimed ahead back untried. A digest whose attempt failed is retried as it was
/// fixed too.
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

        /// A round unless told otherwise: at most this many deliveries are sent twice after a crash (RELIABILITY.md).
        public static let defaultBatchSize = 500

        public init(limit: Int? = nil, verbose: Bool = false, at: Date? = nil, batchSize: Int = defaultBatchSize) {
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
    private let openPrefetchConnection: (@Sendable () throws -> Connection)?

    /// Consecutive failed attempts after which a run stops trying (the MTA is down; the next run tries again).
    static let failuresBeforeGivingUpTheRun = 3

    /// - Parameters:
    ///   - output: receives `--verbose` lines (without line breaks).
    ///   - errors: receives the line about each delivery given up (without `parley: ` and line break).
    ///   - openPrefetchConnection: opens a second connection, on which the next round is claimed and read while the
    ///     current one is handed over (called once per run, on the thread that uses it); nil to work one round at
    ///     a time on `connection`.
    public init(
        connection: Connection, settings: MailSettings, transport: any MailTransport, options: Options,
        output: @escaping (String) -> Void, errors: @escaping (String) -> Void,
        openPrefetchConnection: (@Sendable () throws -> Connection)? = nil
    ) {
        self.openPrefetchConnection = openPrefetchConnection
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
        var stopReason: String?
        let installation = try MailerQueries.installationID(connection)
        let renderer = DigestRenderer(from: settings.from, installation: installation)
        // A directory's files are written many at once, so that their fsyncs overlap (each waits on the disk, not
        // on a core); sendmail gets what the administrator allows.
        let width = transport.acceptsInRounds
            ? max(16, ProcessInfo.processInfo.activeProcessorCount * 4) : settings.concurrency

        // The first round is read on this connection. Once a full round says more is due, the next is claimed,
        // read and rendered on a connection and a thread of their own while this one is handed over and marked: a
        // run with little due (most runs of a five-minute cron job) opens one connection, and no thread.
        let settings = self.settings
        let override = options.at
        let reader = RoundReader(connection: connection, settings: settings, at: override, renderer: renderer)
        var prefetcher: RoundPrefetcher?
        defer { prefetcher?.close() }
        func wanted() -> Int { min(options.batchSize, (options.limit ?? Int.max) - report.claimed) }

        var next = wanted() > 0 ? try reader.read(wanted: wanted()) : nil
        while let current = next {
            next = nil
            report.claimed += current.round.claims.count
            // A full round: more may be due. The next is claimed meanwhile, and handed over only once this one is
            // marked (so a run that dies sends at most one round twice; the one claimed ahead lapses unsent).
            let following = current.round.claims.count < current.wanted ? 0 : wanted()
            if following > 0, prefetcher == nil, let open = openPrefetchConnection {
                prefetcher = RoundPrefetcher {
                    RoundReader(connection: try open(), settings: settings, at: override, renderer: renderer)
                }
            }
            let prefetching = following > 0 && prefetcher != nil
            if prefetching { prefetcher?.start(wanted: following) }
            do {
                try send(current, width: width, report: &report, stopReason: &stopReason)
            } catch {
                // The round claimed ahead is given back if the database still answers; else its lease runs out.
                if prefetching, let prefetcher, case .success(let ahead?) = prefetcher.wait() {
                    report.claimed += ahead.round.claims.count
                    _ = try? giveBack(ahead, report: &report)
                }
                throw error
            }
            if prefetching, let prefetcher {
                let ahead = prefetcher.wait()
                if stopReason != nil {
                    // Sending stopped: the round claimed ahead was never handed over and waits again.
                    if case .success(let round?) = ahead {
                        report.claimed += round.round.claims.count
                        try giveBack(round, report: &report)
                    }
                    break
                }
                next = try ahead.get()
            } else if following > 0 && stopReason == nil {
                next = try reader.read(wanted: following)
            }
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

    /// Hands a claimed round's digests over, and marks what was accepted (or records the failures).
    private func send(_ current: ClaimedRound, width: Int, report: inout Report, stopReason: inout String?) throws {
        let digests = current.digests
        let token = current.round.claimToken
        let claimedAt = current.claimedAt
        let messages = current.messages

        // Never send what another run may take over: the lease must outlast each attempt.
        let lease = settings.lease
        let attemptTime = settings.sendmailTimeout + .seconds(10)
        let transport = self.transport
        let handover = RoundWork.handOver(
            count: messages.count, width: width, failuresBeforeStopping: Self.failuresBeforeGivingUpTheRun,
            mayStart: {
                ContinuousClock.now - claimedAt + attemptTime > lease
                    ? "not attempted: this run's lease of \(lease.components.seconds) s ran out first" : nil
            },
            send: { index in
                do {
                    try transport.send(messages[index])
                    return .accepted
                } catch let error as MailTransportError {
                    return .failed(error)
                } catch {
                    return .failed(MailTransportError("\(error)"))
                }
            })
        stopReason = handover.stopReason

        var accepted: [Int] = []
        for (index, outcome) in handover.outcomes.enumerated() {
            switch outcome {
            case .accepted:
                accepted.append(index)
            case .failed(let error):
                try fail(digests[index], error: error.description, token: token, report: &report)
            case .notStarted:
                // Never handed over: given back for the next run, not counted as an attempt.
                let now = try MailerQueries.now(connection, override: options.at)
                report.failed += try MailerQueries.release(
                    connection, deliveryIDs: digests[index].deliveryIDs, claimToken: token, at: now,
                    retryAfter: .seconds(60))
            }
        }
        if !accepted.isEmpty {
            do {
                try transport.flush()
            } catch let error as MailTransportError {
                for index in accepted {
                    try fail(digests[index], error: error.description, token: token, report: &report)
                }
                accepted = []
                stopReason = "not attempted: sending stopped after: \(error.description)"
            }
        }
        guard !accepted.isEmpty else { return }
        report.messages += accepted.count
        let sentAt = try MailerQueries.now(connection, override: options.at)
        let marked = try MailerQueries.markRoundSent(
            connection, deliveryIDs: accepted.flatMap { digests[$0].deliveryIDs }, claimToken: token, at: sentAt)
        report.sent += marked.count
        if options.verbose {
            for index in accepted {
                let digest = digests[index]
                let taken = digest.deliveryIDs.filter { !marked.contains($0) }.count
                output("sent \(count(digest.entries.count, "alert")) to \(digest.recipient.email) as "
                    + "\(messages[index].messageID) (deliveries \(list(digest.deliveryIDs)))"
                    + (taken > 0 ? " (\(taken) had been taken over by another run)" : ""))
            }
        }
    }

    /// Hands back a round claimed ahead that was never handed over: its deliveries wait again (after a minute, the
    /// claim's attempt undone), counted as failed in this run like the digests a stopped round never started.
    private func giveBack(_ round: ClaimedRound, report: inout Report) throws {
        let now = try MailerQueries.now(connection, override: options.at)
        report.failed += try MailerQueries.release(
            connection, deliveryIDs: round.round.claims.map(\.deliveryID), claimToken: round.round.claimToken, at: now,
            retryAfter: .seconds(60))
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
        // Each named as a claim of exactly its deliveries will name it, so the Message-ID shown is the one sent.
        let installation = try MailerQueries.installationID(connection)
        return try Digest.grouped(entries, writtenAt: at).map { digest in
            var named = digest
            named.messageID = try MailerQueries.digestMessageID(
                connection, installation: installation, deliveryIDs: digest.deliveryIDs, domain: settings.from.domain)
            return named
        }
    }

    private func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    private func list(_ ids: [Int64]) -> String {
        ids.map(String.init).joined(separator: ", ")
    }
}
