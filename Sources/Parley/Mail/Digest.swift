import Foundation

/// The alerts of one recipient that go out in one e-mail.
public struct Digest: Sendable, Equatable {
    public var recipient: DigestEntry.Recipient
    /// In the order the digest shows them: most severe first, then by kind, days and due time.
    public var entries: [DigestEntry]
    /// When the digest is written: the database clock (or the moment a test chose).
    public var writtenAt: Date
    /// The briefs of the meetings it announces, by meeting code: attached, or withheld. A meeting without one is
    /// announced with the command that writes its brief.
    public var briefs: [String: DigestBrief]
    /// The Message-ID its claim fixed (`deliveries.digest_message_id`): every attempt sends it under this one. A
    /// preview gets the one a claim of its deliveries would fix (`parley.digest_message_id`). Nil only for a digest
    /// made without the database, which the renderer names itself (`MessageID.forDeliveries`).
    public var messageID: String?

    public init(
        recipient: DigestEntry.Recipient, entries: [DigestEntry], writtenAt: Date, briefs: [String: DigestBrief] = [:],
        messageID: String? = nil
    ) {
        self.recipient = recipient
        self.entries = entries.sorted(by: DigestEntry.digestOrder)
        self.writtenAt = writtenAt
        self.briefs = briefs
        self.messageID = messageID
    }

    /// The codes of the meetings whose upcoming-meeting alerts it shows in detail, in order.
    public var upcomingMeetingCodes: [String] {
        var codes: [String] = []
        for entry in entries where entry.kind == .meetingUpcoming {
            if let code = entry.details?.meeting?.code, !codes.contains(code) { codes.append(code) }
        }
        return codes
    }

    /// What the digest says about a meeting's brief.
    func briefSentence(for code: String) -> String {
        briefs[code]?.sentence(for: code) ?? DigestBrief.unwritten(code)
    }

    /// One digest per recipient, in the order recipients first appear in `entries`.
    public static func grouped(_ entries: [DigestEntry], writtenAt: Date) -> [Digest] {
        var order: [Int64] = []
        var byPerson: [Int64: [DigestEntry]] = [:]
        for entry in entries {
            if byPerson[entry.recipient.personID] == nil { order.append(entry.recipient.personID) }
            byPerson[entry.recipient.personID, default: []].append(entry)
        }
        return order.compactMap { person in
            guard let mine = byPerson[person], let first = mine.first else { return nil }
            return Digest(recipient: first.recipient, entries: mine, writtenAt: writtenAt)
        }
    }

    /// The digests of a claimed round, as its claim fixed them: the deliveries that share a Message-ID, in the order
    /// of their lowest delivery id. An entry without a Message-ID in `messageIDs` is left out (it was not claimed).
    public static func fixed(_ entries: [DigestEntry], messageIDs: [Int64: String], writtenAt: Date) -> [Digest] {
        var byMessage: [String: [DigestEntry]] = [:]
        for entry in entries {
            guard let messageID = messageIDs[entry.deliveryID] else { continue }
            byMessage[messageID, default: []].append(entry)
        }
        // Sorted by each digest's first delivery, found once per digest rather than sorted out again at every
        // comparison (issue 17). No two digests share a delivery, so the order is the same whatever the sort.
        return byMessage.compactMap { messageID, mine -> (first: Int64, digest: Digest)? in
            guard let first = mine.first else { return nil }
            let digest = Digest(recipient: first.recipient, entries: mine, writtenAt: writtenAt, messageID: messageID)
            return (digest.deliveryIDs.first ?? 0, digest)
        }
        .sorted { $0.first < $1.first }
        .map(\.digest)
    }

    /// The deliveries the digest carries, ascending.
    public var deliveryIDs: [Int64] {
        entries.map(\.deliveryID).sorted()
    }
}

extension DigestEntry {
    /// The order within a digest: severity (highest first), then what matters most, soonest deadline, due time.
    static func digestOrder(_ a: DigestEntry, _ b: DigestEntry) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.kindRank != b.kindRank { return a.kindRank < b.kindRank }
        let aDays = a.details?.commitment?.daysLeft ?? Int.max
        let bDays = b.details?.commitment?.daysLeft ?? Int.max
        if aDays != bDays { return aDays < bDays }
        if a.dueAt != b.dueAt { return a.dueAt < b.dueAt }
        return a.deliveryID < b.deliveryID
    }

    private var kindRank: Int {
        switch kind {
        case .overdue: return 0
        case .followUpDue: return 1
        case .meetingOutcomeMissing: return 2
        case .dueSoon: return 3
        case .meetingUpcoming: return 4
        case .stale: return 5
        case .resolved: return 6
        case .breached: return 7
        case .agreementWithdrawal: return 8
        case .agreementSuspended: return 9
        case .termExpired: return 10
        case .objectionDeadline: return 11
        case .termEnding: return 12
        }
    }
}
