import Foundation
import PQ

/// What a desk officer carries into a round of talks: the meeting, where each agenda item stands and what each party
/// says, what is owed and overdue, the disputed figures, compliance, the staff's follow-ups, what happened since the
/// last meeting, and the sources. Loaded by `Brief.load` from the staff views of schema `parley` as the caller sees
/// them, written as one HTML file by `BriefRenderer`.
///
/// **Marking.** Every fact in a brief carries the classification of the row it comes from (the views' own
/// `classification` column, or that of its parent: an update's commitment, a follow-up's subject, an agenda entry's
/// track). `marking` is the highest of them, and the renderer prints it at the top and bottom of every page. A
/// fact whose row classification the views do not give — a party's earlier stance, a statement or figure since
/// superseded — is only included when the reader's clearance is no higher than the marking of the rest, so that
/// it can never be marked lower than it is.
public struct Brief: Sendable {
    public typealias Classification = DigestEntry.Classification

    /// Who the brief was written for, as `parley.whoami` says.
    public struct Reader: Sendable, Equatable {
        public var login: String
        public var clearance: Classification
        /// Times are shown in this zone as well as the venue's, when set.
        public var timezone: String?
    }

    public struct Track: Sendable, Equatable {
        public var code: String
        public var name: String
        public var format: String
        public var status: String
        public var venue: String?
        public var timezone: String
        public var lead: String?
        public var classification: Classification
    }

    public struct Meeting: Sendable, Equatable {
        public var code: String
        public var title: String
        public var startsAt: Date
        public var endsAt: Date?
        public var location: String?
        public var status: String
        public var outcome: String?
        public var source: String?
        public var classification: Classification
    }

    /// A party on the track, with all its roles there.
    public struct Member: Sendable, Equatable {
        public var partyCode: String
        public var party: String
        public var roles: [String]
        public var notes: [String]
    }

    /// A party's current stance on an item.
    public struct Stance: Sendable, Equatable {
        public var party: String
        /// Nil when stated generally rather than on this track.
        public var track: String?
        public var stance: String
        public var statedOn: CalendarDate
        public var statement: String?
        public var source: String?
        public var classification: Classification
        /// The different stance it held before, and since when the current one holds: shown only under the rule of
        /// the marking (see `Brief`).
        public var previousStance: String?
        public var previousStatedOn: CalendarDate?
        public var changedOn: CalendarDate?
    }

    public struct AgendaItem: Sendable, Equatable {
        public var code: String
        public var title: String
        public var status: String
        public var since: CalendarDate
        public var note: String?
        public var stances: [Stance]
    }

    public struct Update: Sendable, Equatable {
        public var reportedOn: CalendarDate
        /// Delivered in this stage (not a running total).
        public var delivered: Decimal?
        public var newStatus: String?
        public var note: String?
        public var source: String?
        public var reportedBy: String?
        public var verification: String?
    }

    public struct Commitment: Sendable, Equatable {
        public var code: String
        public var item: String
        public var obligor: String
        public var beneficiaries: [String]
        public var text: String
        public var madeOn: CalendarDate?
        public var dueOn: CalendarDate?
        public var daysLeft: Int?
        public var overdue: Bool
        public var status: String
        public var target: Decimal?
        public var unit: String?
        public var delivered: Decimal
        public var owner: String?
        public var classification: Classification
        /// Oldest first.
        public var updates: [Update]

        /// Not fulfilled, withdrawn or superseded (as `parley.open_commitments` has it).
        public var isOpen: Bool { !["fulfilled", "withdrawn", "superseded"].contains(status) }
    }

    /// A claim about an indicator: the latest figure of one claimant (or, unattributed, of one source).
    public struct Figure: Sendable, Equatable {
        public var indicator: String
        public var item: String?
        public var claimant: String?
        public var value: Decimal
        public var unit: String?
        public var asOf: CalendarDate
        public var confidence: String
        public var source: String?
        public var sourceTitle: String?
        public var sourceURL: String?
        public var note: String?
        public var classification: Classification
    }

    /// An indicator whose claims disagree.
    public struct Dispute: Sendable, Equatable {
        public var indicator: String
        public var unit: String?
        /// Lowest first.
        public var claims: [Figure]
    }

    public struct Compliance: Sendable, Equatable {
        public var party: String
        public var made: Int
        public var fulfilled: Int
        public var partiallyFulfilled: Int
        public var breached: Int
        public var open: Int
        public var scorePercent: Decimal?
        public var onTimePercent: Decimal?
    }

    public struct FollowUp: Sendable, Equatable {
        public var code: String
        public var about: String
        public var note: String
        public var assignee: String
        public var dueAt: Date
        public var overdue: Bool
        public var classification: Classification
    }

    public struct Event: Sendable, Equatable {
        public var occurredOn: CalendarDate
        public var kind: String
        public var item: String?
        public var party: String?
        public var ref: String?
        public var description: String
        public var sourceTitle: String?
        public var sourceURL: String?
        public var classification: Classification
    }

    /// An agreement in force (or suspended) on the track, and its terms, from `parley.agreements`.
    public struct Agreement: Sendable, Equatable {
        public var title: String
        public var terms: String
        public var inForceSince: CalendarDate?
        public var parties: [String]
        public var classification: Classification
    }

    public struct Source: Sendable, Equatable {
        public var code: String?
        public var title: String
        public var publisher: String?
        public var url: String?
        public var publishedOn: CalendarDate?
    }

    /// When it was written (the database clock).
    public var writtenAt: Date
    public var reader: Reader
    public var track: Track
    /// The meeting the brief is for; for a track's brief, its next scheduled meeting, if any.
    public var meeting: Meeting?
    /// True for `parley brief --track`: the track as it stands now rather than before one meeting.
    public var isTrackBrief: Bool
    /// The meeting before it (the latest held or scheduled one that started before), which "since" counts from.
    public var lastMeeting: Meeting?
    /// The first day counted as "since the last meeting" (the last meeting's day on the track's clock), or, when
    /// there was none, 30 days before the brief was written.
    public var since: CalendarDate
    public var members: [Member]
    public var agenda: [AgendaItem]
    public var agreements: [Agreement]
    /// Every commitment on the track the reader may see, soonest deadline first.
    public var commitments: [Commitment]
    public var disputes: [Dispute]
    public var compliance: [Compliance]
    public var followUps: [FollowUp]
    /// Since `since`, in date order; at most `timelineLimit`, the latest.
    public var timeline: [Event]
    /// True when older events since the last meeting were left out to keep the list short.
    public var timelineCut: Bool
    /// Sources by code, for the numbered references.
    public var sources: [String: Source]
    /// The highest classification of what the brief shows.
    public var marking: Classification

    public static let timelineLimit = 60
}
