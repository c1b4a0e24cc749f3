import Foundation
import PQ

extension DigestEntry {
    /// What may be mailed about an alert within the classification ceiling.
    public struct Details: Sendable, Equatable {
        public var track: Track?
        public var item: Item?
        public var commitment: Commitment?
        public var meeting: Meeting?
        public var followUp: FollowUp?
        public var agreement: Agreement?

        public init(
            track: Track? = nil, item: Item? = nil, commitment: Commitment? = nil, meeting: Meeting? = nil,
            followUp: FollowUp? = nil, agreement: Agreement? = nil
        ) {
            self.track = track
            self.item = item
            self.commitment = commitment
            self.meeting = meeting
            self.followUp = followUp
            self.agreement = agreement
        }
    }

    public struct Track: Sendable, Equatable {
        public var code: String
        public var name: String
        /// IANA name: deadlines and meeting times of the track are shown in it.
        public var timezone: String

        public init(code: String, name: String, timezone: String) {
            self.code = code
            self.name = name
            self.timezone = timezone
        }
    }

    public struct Item: Sendable, Equatable {
        public var code: String
        public var title: String

        public init(code: String, title: String) {
            self.code = code
            self.title = title
        }
    }

    public struct Commitment: Sendable, Equatable {
        public var code: String
        public var text: String
        /// The party that promised.
        public var obligor: String
        /// The parties it was promised to, comma-separated.
        public var beneficiaries: String?
        public var madeOn: CalendarDate?
        public var dueOn: CalendarDate?
        /// The moment the deadline passes: the end of `dueOn` in the track's time zone.
        public var deadlineAt: Date?
        /// Days from the digest's day to `dueOn`, in the track's time zone; negative when overdue.
        public var daysLeft: Int?
        public var status: String
        public var target: Decimal?
        public var unit: String?
        public var delivered: Decimal
        public var progressPercent: Decimal?
        public var owner: String?
        public var statusChangedOn: CalendarDate?
        public var lastUpdate: Update?

        public init(
            code: String, text: String, obligor: String, beneficiaries: String? = nil, madeOn: CalendarDate? = nil,
            dueOn: CalendarDate? = nil, deadlineAt: Date? = nil, daysLeft: Int? = nil, status: String,
            target: Decimal? = nil, unit: String? = nil, delivered: Decimal = 0, progressPercent: Decimal? = nil,
            owner: String? = nil, statusChangedOn: CalendarDate? = nil, lastUpdate: Update? = nil
        ) {
            self.code = code
            self.text = text
            self.obligor = obligor
            self.beneficiaries = beneficiaries
            self.madeOn = madeOn
            self.dueOn = dueOn
            self.deadlineAt = deadlineAt
            self.daysLeft = daysLeft
            self.status = status
            self.target = target
            self.unit = unit
            self.delivered = delivered
            self.progressPercent = progressPercent
            self.owner = owner
            self.statusChangedOn = statusChangedOn
            self.lastUpdate = lastUpdate
        }
    }

    /// The latest recorded update of a commitment.
    public struct Update: Sendable, Equatable {
        public var reportedOn: CalendarDate
        public var note: String?
        public var newStatus: String?
        public var delivered: Decimal?
        public var verification: String?
        public var reportedBy: String?
        /// Title, publisher and date of the source, comma-separated.
        public var source: String?
        public var sourceURL: String?

        public init(
            reportedOn: CalendarDate, note: String? = nil, newStatus: String? = nil, delivered: Decimal? = nil,
            verification: String? = nil, reportedBy: String? = nil, source: String? = nil, sourceURL: String? = nil
        ) {
            self.reportedOn = reportedOn
            self.note = note
            self.newStatus = newStatus
            self.delivered = delivered
            self.verification = verification
            self.reportedBy = reportedBy
            self.source = source
            self.sourceURL = sourceURL
        }
    }

    public struct Meeting: Sendable, Equatable {
        public var code: String
        public var title: String
        public var startsAt: Date
        public var endsAt: Date?
        public var location: String?
        public var status: String

        public init(code: String, title: String, startsAt: Date, endsAt: Date? = nil, location: String? = nil, status: String) {
            self.code = code
            self.title = title
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.location = location
            self.status = status
        }
    }

    public struct FollowUp: Sendable, Equatable {
        public var note: String
        public var dueAt: Date
        public var assignee: String?
        /// `commitment ist-r1-pow-ru`, `meeting ist-r2` or `track istanbul`.
        public var about: String?

        public init(note: String, dueAt: Date, assignee: String? = nil, about: String? = nil) {
            self.note = note
            self.dueAt = dueAt
            self.assignee = assignee
            self.about = about
        }
    }
}

extension DigestEntry {
    /// An agreement an alert is about, with its current term and, for a suspension or withdrawal, what happened.
    public struct Agreement: Sendable, Equatable {
        public var code: String
        public var title: String
        /// `agreement`, `memorandum`, ... as `parley.agreement_kind` spells it.
        public var kind: String
        /// `in_force`, `suspended`, ... as `parley.agreement_status` spells it.
        public var status: String
        /// IANA name: the clock its terms are read on.
        public var timezone: String
        /// Its parties and their roles, e.g. `Ukraine (signatory), Türkiye (mediator)`.
        public var parties: String?
        public var termNumber: Int?
        /// The current term's last day: it ends at the end of that day on the agreement's clock.
        public var termEndsOn: CalendarDate?
        /// The moment the current term ends.
        public var termEndAt: Date?
        /// Days from the digest's day to `termEndsOn`, on the agreement's clock.
        public var termDaysLeft: Int?
        /// `by decision` or `automatic`.
        public var renewal: String?
        /// For an automatic renewal: the last day a party may object.
        public var objectionDeadlineOn: CalendarDate?
        /// For a suspension or withdrawal: what happened, in one line.
        public var event: String?
        /// Title, publisher and date of the event's source, comma-separated.
        public var eventSource: String?
        public var eventSourceURL: String?

        public init(
            code: String, title: String, kind: String, status: String, timezone: String, parties: String? = nil,
            termNumber: Int? = nil, termEndsOn: CalendarDate? = nil, termEndAt: Date? = nil, termDaysLeft: Int? = nil,
            renewal: String? = nil, objectionDeadlineOn: CalendarDate? = nil, event: String? = nil,
            eventSource: String? = nil, eventSourceURL: String? = nil
        ) {
            self.code = code
            self.title = title
            self.kind = kind
            self.status = status
            self.timezone = timezone
            self.parties = parties
            self.termNumber = termNumber
            self.termEndsOn = termEndsOn
            self.termEndAt = termEndAt
            self.termDaysLeft = termDaysLeft
            self.renewal = renewal
            self.objectionDeadlineOn = objectionDeadlineOn
            self.event = event
            self.eventSource = eventSource
            self.eventSourceURL = eventSourceURL
        }
    }
}
