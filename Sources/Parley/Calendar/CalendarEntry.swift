import Foundation
import PQ

/// One thing a calendar shows: a meeting (an event at a time), a commitment's deadline (an all-day event), a
/// follow-up (a to-do with a due time), or an agreement's term end or last day to object to its automatic renewal
/// (all-day events). Read from `parley.calendar_entries`.
public struct CalendarEntry: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case meeting
        case deadline
        case followUp = "follow-up"
        case termEnd = "term-end"
        case objectionDeadline = "objection-deadline"
    }

    public var kind: Kind
    /// The meeting's, commitment's or follow-up's code, or for an agreement's term `AGREEMENT/TERM` (codes never hold
    /// a slash): the stable part of the UID.
    public var code: String
    public var track: String?
    /// The IANA zone a meeting is written in (its track's).
    public var timeZone: String?
    public var summary: String
    public var description: String?
    public var location: String?
    public var url: String?
    public var startsAt: Date?
    public var endsAt: Date?
    public var dueOn: CalendarDate?
    /// A follow-up's due time.
    public var dueAt: Date?
    public var doneAt: Date?
    /// The meeting's status (scheduled, held, postponed, cancelled), the commitment's status, open/done, or the
    /// agreement's status.
    public var status: String
    /// How many times what the calendar shows was changed: calendars replace their copy when it grows.
    public var sequence: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// For a follow-up: `commitment:CODE` or `meeting:CODE` it is about.
    public var relatedTo: String?

    public init(
        kind: Kind, code: String, track: String? = nil, timeZone: String? = nil, summary: String,
        description: String? = nil, location: String? = nil, url: String? = nil, startsAt: Date? = nil,
        endsAt: Date? = nil, dueOn: CalendarDate? = nil, dueAt: Date? = nil, doneAt: Date? = nil,
        status: String, sequence: Int = 0, createdAt: Date, updatedAt: Date, relatedTo: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.track = track
        self.timeZone = timeZone
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.dueOn = dueOn
        self.dueAt = dueAt
        self.doneAt = doneAt
        self.status = status
        self.sequence = sequence
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.relatedTo = relatedTo
    }

    /// The UID: the same for the same meeting, commitment or follow-up in every export, so that a subscribed
    /// calendar updates its entry instead of adding another; `meeting-ist-r2@UUID.parley`, where UUID is the
    /// installation's, so that the calendars of two Parley databases never share a UID for a common code.
    public func uid(installation: UUID) -> String {
        switch kind {
        case .meeting: return Self.uid(of: "meeting", code, installation: installation)
        case .deadline: return Self.uid(of: "commitment", code, installation: installation)
        case .followUp: return Self.uid(of: "follow-up", code, installation: installation)
        case .termEnd: return Self.uid(of: "term-end", code, installation: installation)
        case .objectionDeadline: return Self.uid(of: "objection-deadline", code, installation: installation)
        }
    }

    /// The UID of the entry of a `meeting`, `commitment` or `follow-up` with this code, in this installation.
    public static func uid(of kind: String, _ code: String, installation: UUID) -> String {
        "\(kind)-\(code)@\(installation.uuidString.lowercased()).parley"
    }
}
