import Foundation
import PQ

/// A round as the mailer claimed and read it, ready to be rendered and handed over.
struct ClaimedRound: Sendable {
    /// How many deliveries the claim asked for (fewer came back: nothing more is due).
    var wanted: Int
    /// The moment the digests are written at.
    var at: Date
    var round: MailerQueries.Round
    /// Its digests, as the claim fixed them, with their briefs.
    var digests: [Digest]
    /// Each digest's message, in the same order.
    var messages: [MailMessage]
    /// When the claim returned: the lease is counted from here.
    var claimedAt: ContinuousClock.Instant
}

/// Claims a round, reads what its digests say (`parley.claim_round`, `parley.delivery_digest`, the meetings'
/// briefs) and renders them (across the cores), on one connection, from one thread at a time.
final class RoundReader {
    private let connection: Connection
    private let settings: MailSettings
    private let override: Date?
    private let renderer: DigestRenderer
    private let briefWriter: DigestBriefWriter

    init(connection: Connection, settings: MailSettings, at override: Date?, renderer: DigestRenderer) {
        self.connection = connection
        self.settings = settings
        self.override = override
        self.renderer = renderer
        briefWriter = DigestBriefWriter(connection: connection, ceiling: settings.maxClassification)
    }

    /// Claims up to `wanted` deliveries and reads their digests; nil when nothing is due.
    func read(wanted: Int) throws -> ClaimedRound? {
        let at = try MailerQueries.now(connection, override: override)
        guard let round = try MailerQueries.claimRound(
            connection, at: at, lease: settings.lease, maxCount: wanted, domain: settings.from.domain)
        else { return nil }
        let claimedAt = ContinuousClock.now
        let entries = try MailerQueries.digestEntries(
            connection, deliveryIDs: round.claims.map(\.deliveryID), at: at, ceiling: settings.maxClassification)
        var digests = Digest.fixed(entries, messageIDs: round.messageIDs, writtenAt: at)
        // Briefs are read from the database (once per meeting per run).
        for index in digests.indices where !digests[index].upcomingMeetingCodes.isEmpty {
            digests[index].briefs = briefWriter.briefs(for: digests[index])
        }
        let renderer = self.renderer
        let messages = RoundWork.map(digests) { renderer.message(for: $0) }
        return ClaimedRound(
            wanted: wanted, at: at, round: round, digests: digests, messages: messages, claimedAt: claimedAt)
    }
}

/// Claims, reads and renders the mailer's next round on a connection and a thread of its own, while the calling thread
/// hands over and marks the current one (issue 17: a round's database work and rendering overlap the writing and
/// marking of the one before).
///
/// One round at a time: `start` asks for a round, `wait` gives it (or the error); a round is never asked for before
/// the previous one was taken. The connection is opened on the thread that uses it, and closed with it by `close`.
final class RoundPrefetcher: @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`: the round asked for (how many deliveries), what became of it, whether to end.
    private var request: Int?
    private var result: Result<ClaimedRound?, any Error>?
    private var closing = false
    private var ended = false

    /// - Parameter open: makes the reader, with its own connection; called on the prefetching thread.
    init(open: @escaping @Sendable () throws -> RoundReader) {
        let thread = Thread { [self] in work(open: open) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Asks for a round of up to `wanted` deliveries, claimed and read meanwhile.
    func start(wanted: Int) {
        condition.lock()
        precondition(request == nil && result == nil, "a round was asked for before the previous one was taken")
        request = wanted
        condition.broadcast()
        condition.unlock()
    }

    /// The round asked for by `start`, once it is claimed and read: nil when nothing was due.
    func wait() -> Result<ClaimedRound?, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let taken = result {
                result = nil
                return taken
            }
            condition.wait()
        }
    }

    /// Ends the thread, after the round it is reading if any, and closes its connection.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !ended { condition.wait() }
        condition.unlock()
    }

    private func work(open: @Sendable () throws -> RoundReader) {
        let reader = Result { try open() }
        while true {
            condition.lock()
            while request == nil && !closing { condition.wait() }
            guard let wanted = request else {
                condition.unlock()
                break
            }
            condition.unlock()

            let read = Result { try reader.get().read(wanted: wanted) }

            condition.lock()
            request = nil
            result = read
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }
}
