import Foundation
import PQ

/// One alert for one recipient, with what the digest e-mail says about it: a row of `parley.delivery_digest` or
/// `parley.digest_preview` (type `parley.digest_entry`).
///
/// `details` is nil for an alert classified above the mail ceiling: the database does not even return them then.
public struct DigestEntry: Sendable, Equatable {
    public var deliveryID: Int64
    public var alertID: Int64
    /// How many times a mailer run has claimed the delivery (this one included when claimed).
    public var attempts: Int
    public var recipient: Recipient
    /// Why the recipient gets it: `responsible`, `escalation`, `subscription`, `alerted about overdue` (resolved,
    /// breached).
    public var reason: String
    public var kind: AlertKind
    public var severity: Severity
    /// `commitment`, `meeting`, `follow_up` or `agreement`.
    public var subjectType: String
    public var subjectID: Int64
    /// The commitment's, meeting's, follow-up's or agreement's code.
    public var subjectCode: String
    public var occurrence: String
    /// When the alert fell due.
    public var dueAt: Date
    /// An overdue alert late enough for the track's lead to be told too, the lead being someone other than the one
    /// responsible (an owner who leads the track was told already: nobody more is).
    public var escalated: Bool
    public var classification: Classification
    public var details: Details?

    /// Who a digest goes to.
    public struct Recipient: Sendable, Hashable {
        public var personID: Int64
        public var email: String
        public var name: String
        /// IANA name, e.g. `Europe/Kyiv`: times that are not a track's are shown in it.
        public var timezone: String

        public init(personID: Int64, email: String, name: String, timezone: String) {
            self.personID = personID
            self.email = email
            self.name = name
            self.timezone = timezone
        }
    }

    /// The alert kinds of `parley.alert_kind`.
    public enum AlertKind: String, Sendable, CaseIterable {
        case dueSoon = "due_soon"
        case overdue
        case stale
        case meetingUpcoming = "meeting_upcoming"
        case meetingOutcomeMissing = "meeting_outcome_missing"
        case followUpDue = "follow_up_due"
        case resolved
        case breached
        case termEnding = "term_ending"
        case objectionDeadline = "objection_deadline"
        case termExpired = "term_expired"
        case agreementSuspended = "agreement_suspended"
        case agreementWithdrawal = "agreement_withdrawal"
    }

    /// `parley.severity`, in increasing order.
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        case info, warning, critical

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs.rank < rhs.rank
        }

        /// The place in `allCases` (digests sort their alerts by it: a switch, not a search of a new array each
        /// time; `SeverityRankTests`).
        var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .critical: 2
            }
        }
    }

    /// `parley.classification`, in increasing order.
    public enum Classification: String, Sendable, CaseIterable, Comparable {
        case unclassified, restricted, confidential, secret

        public static func < (lhs: Classification, rhs: Classification) -> Bool {
            lhs.rank < rhs.rank
        }

        /// The place in `allCases` (which holds every case).
        private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    }

    public init(
        deliveryID: Int64, alertID: Int64, attempts: Int, recipient: Recipient, reason: String, kind: AlertKind,
        severity: Severity, subjectType: String, subjectID: Int64, subjectCode: String, occurrence: String,
        dueAt: Date, escalated: Bool, classification: Classification, details: Details?
    ) {
        self.deliveryID = deliveryID
        self.alertID = alertID
        self.attempts = attempts
        self.recipient = recipient
        self.reason = reason
        self.kind = kind
        self.severity = severity
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.subjectCode = subjectCode
        self.occurrence = occurrence
        self.dueAt = dueAt
        self.escalated = escalated
        self.classification = classification
        self.details = details
    }
}
