import Foundation
import PQ

/// Writes calendar entries as one iCalendar object (RFC 5545): meetings as VEVENTs at their track's local time
/// (`TZID=` with a VTIMEZONE), commitment deadlines, agreements' term ends and last days to object as all-day
/// VEVENTs, follow-ups as VTODOs with a due time.
///
/// The same entries always give the same text: components sorted, DTSTAMP and LAST-MODIFIED from when the record
/// last changed (not from when the file was written), so that re-exporting an unchanged calendar changes nothing.
public struct ICalendarWriter: Sendable {
    /// The calendar's name (`X-WR-CALNAME`), shown by calendar applications.
    public var name: String
    /// The PRODID version part.
    public var version: String
    /// The database's `parley.installation_id()`, part of every UID.
    public var installation: UUID

    /// - Parameters:
    ///   - name: the calendar's name.
    ///   - version: Parley's version, for PRODID.
    ///   - installation: the database's `parley.installation_id()`, so that two installations' UIDs differ.
    public init(name: String, version: String, installation: UUID) {
        self.name = name
        self.version = version
        self.installation = installation
    }

    /// The iCalendar text, CRLF line ends, lines folded at 75 octets.
    public func write(_ entries: [CalendarEntry]) -> String {
        var out = ICalendarText.line("BEGIN", "VCALENDAR")
        out += ICalendarText.line("VERSION", "2.0")
        out += ICalendarText.line("PRODID", ICalendarText.escape("-//Parley//parley \(version)//EN"))
        out += ICalendarText.line("CALSCALE", "GREGORIAN")
        out += ICalendarText.line("X-WR-CALNAME", ICalendarText.escape(name))
        out += timeZones(for: entries)
        for entry in entries.sorted(by: { ($0.kind.rawValue, $0.code) < ($1.kind.rawValue, $1.code) }) {
            switch entry.kind {
            case .meeting: out += meeting(entry)
            case .deadline, .termEnd, .objectionDeadline: out += deadline(entry)
            case .followUp: out += followUp(entry)
            }
        }
        out += ICalendarText.line("END", "VCALENDAR")
        return out
    }

    /// One VTIMEZONE per zone the meetings use, covering the years they fall in.
    private func timeZones(for entries: [CalendarEntry]) -> String {
        var ranges: [String: (first: Date, last: Date)] = [:]
        for entry in entries where entry.kind == .meeting {
            guard let zone = entry.timeZone, zone != "UTC", let start = entry.startsAt else { continue }
            let end = entry.endsAt ?? start
            let range = ranges[zone] ?? (start, end)
            ranges[zone] = (min(range.first, start), max(range.last, end))
        }
        var out = ""
        for (identifier, range) in ranges.sorted(by: { $0.key < $1.key }) {
            if let zone = VTimeZone(identifier: identifier) { out += zone.lines(from: range.first, to: range.last) }
        }
        return out
    }

    private func common(_ entry: CalendarEntry) -> String {
        var out = ICalendarText.line("UID", ICalendarText.escape(entry.uid(installation: installation)))
        out += ICalendarText.line("DTSTAMP", ICalendarTime.utc(entry.updatedAt))
        out += ICalendarText.line("CREATED", ICalendarTime.utc(entry.createdAt))
        out += ICalendarText.line("LAST-MODIFIED", ICalendarTime.utc(entry.updatedAt))
        out += ICalendarText.line("SEQUENCE", String(entry.sequence))
        return out
    }

    private func texts(_ entry: CalendarEntry) -> String {
        var out = ICalendarText.line("SUMMARY", ICalendarText.escape(entry.summary))
        if let description = entry.description, !description.isEmpty {
            out += ICalendarText.line("DESCRIPTION", ICalendarText.escape(description))
        }
        if let location = entry.location, !location.isEmpty {
            out += ICalendarText.line("LOCATION", ICalendarText.escape(location))
        }
        if let url = entry.url, Self.isURI(url) {
            out += ICalendarText.line("URL", [("VALUE", "URI")], url)
        }
        if let track = entry.track {
            out += ICalendarText.line("CATEGORIES", ICalendarText.escape(track))
        }
        return out
    }

    private func meeting(_ entry: CalendarEntry) -> String {
        var out = ICalendarText.line("BEGIN", "VEVENT")
        out += common(entry)
        let zone = entry.timeZone.flatMap { $0 == "UTC" ? nil : VTimeZone(identifier: $0) }
        if let start = entry.startsAt { out += moment("DTSTART", start, zone) }
        if let end = entry.endsAt { out += moment("DTEND", end, zone) }
        out += texts(entry)
        let status: String
        switch entry.status {
        case "cancelled": status = "CANCELLED"
        case "postponed": status = "TENTATIVE"
        default: status = "CONFIRMED"
        }
        out += ICalendarText.line("STATUS", status)
        out += ICalendarText.line("END", "VEVENT")
        return out
    }

    private func moment(_ name: String, _ date: Date, _ zone: VTimeZone?) -> String {
        guard let zone else { return ICalendarText.line(name, ICalendarTime.utc(date)) }
        return ICalendarText.line(name, [("TZID", zone.identifier)], ICalendarTime.local(date, in: zone.zone))
    }

    private func deadline(_ entry: CalendarEntry) -> String {
        guard let day = entry.dueOn else { return "" }
        var out = ICalendarText.line("BEGIN", "VEVENT")
        out += common(entry)
        out += ICalendarText.line("DTSTART", [("VALUE", "DATE")], ICalendarTime.date(day))
        out += ICalendarText.line("DTEND", [("VALUE", "DATE")], ICalendarTime.date(ICalendarTime.nextDay(day)))
        out += texts(entry)
        out += ICalendarText.line("TRANSP", "TRANSPARENT")
        // A commitment withdrawn or superseded, an agreement's term that never ran (terminated before it entered into
        // force) no longer happens.
        out += ICalendarText.line("STATUS", ["withdrawn", "superseded", "cancelled"].contains(entry.status) ? "CANCELLED" : "CONFIRMED")
        out += ICalendarText.line("END", "VEVENT")
        return out
    }

    private func followUp(_ entry: CalendarEntry) -> String {
        var out = ICalendarText.line("BEGIN", "VTODO")
        out += common(entry)
        if let due = entry.dueAt { out += ICalendarText.line("DUE", ICalendarTime.utc(due)) }
        out += texts(entry)
        if let done = entry.doneAt {
            out += ICalendarText.line("STATUS", "COMPLETED")
            out += ICalendarText.line("COMPLETED", ICalendarTime.utc(done))
        } else {
            out += ICalendarText.line("STATUS", "NEEDS-ACTION")
        }
        if let related = entry.relatedTo, let colon = related.firstIndex(of: ":") {
            let kind = related[..<colon] == "commitment" ? "commitment" : "meeting"
            let uid = CalendarEntry.uid(of: kind, String(related[related.index(after: colon)...]), installation: installation)
            out += ICalendarText.line("RELATED-TO", ICalendarText.escape(uid))
        }
        out += ICalendarText.line("END", "VTODO")
        return out
    }

    /// Only a web address without blanks or control characters goes into a URI value.
    private static func isURI(_ text: String) -> Bool {
        (text.hasPrefix("https://") || text.hasPrefix("http://"))
            && !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\"" }
    }
}
