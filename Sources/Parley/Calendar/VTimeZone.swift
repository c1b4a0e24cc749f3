import Foundation

/// A VTIMEZONE component (RFC 5545 §3.6.5) made from the system's time zone data, so that a calendar that does
/// not know an IANA name (or knows an older version of it) still places the events right.
///
/// It lists the observance in force at the start of the years covered and then every change of UTC offset within
/// them, each as its own STANDARD or DAYLIGHT sub-component with DTSTART, TZOFFSETFROM and TZOFFSETTO: exact
/// for the years the calendar's events fall in, with no rules to get wrong.
struct VTimeZone {
    let identifier: String
    let zone: TimeZone

    /// nil when the system does not know `identifier`.
    init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    /// The component's content lines (folded, CRLF), covering the whole years from `first` to `last`.
    func lines(from first: Date, to last: Date) -> String {
        var utcCalendar = Calendar(identifier: .gregorian)
        utcCalendar.timeZone = .gmt
        let firstYear = utcCalendar.component(.year, from: first)
        let lastYear = utcCalendar.component(.year, from: last)
        // Start a day early: the first of January local time is still the previous year in UTC east of Greenwich.
        // A Gregorian calendar in UTC has every first of January; the fallbacks keep the function total.
        let start = (utcCalendar.date(from: DateComponents(year: firstYear, month: 1, day: 1)) ?? first).addingTimeInterval(-86_400)
        let end = (utcCalendar.date(from: DateComponents(year: lastYear + 1, month: 1, day: 1)) ?? last).addingTimeInterval(86_400)

        var out = ICalendarText.line("BEGIN", "VTIMEZONE")
        out += ICalendarText.line("TZID", identifier)
        let initialOffset = zone.secondsFromGMT(for: start)
        out += observance(at: start, from: initialOffset, to: initialOffset,
                          onset: ICalendarTime.wallClock(start, offset: initialOffset))
        var moment = start
        var previousOffset = initialOffset
        while let transition = zone.nextDaylightSavingTimeTransition(after: moment), transition < end {
            let newOffset = zone.secondsFromGMT(for: transition)
            if newOffset != previousOffset {
                // The onset is written in the local time that was in force until then (§3.6.5: DTSTART with
                // TZOFFSETFROM).
                out += observance(at: transition, from: previousOffset, to: newOffset,
                                  onset: ICalendarTime.wallClock(transition, offset: previousOffset))
                previousOffset = newOffset
            }
            moment = transition
        }
        out += ICalendarText.line("END", "VTIMEZONE")
        return out
    }

    private func observance(at moment: Date, from: Int, to: Int, onset: String) -> String {
        let kind = zone.isDaylightSavingTime(for: moment) ? "DAYLIGHT" : "STANDARD"
        var out = ICalendarText.line("BEGIN", kind)
        out += ICalendarText.line("DTSTART", onset)
        out += ICalendarText.line("TZOFFSETFROM", ICalendarTime.offset(from))
        out += ICalendarText.line("TZOFFSETTO", ICalendarTime.offset(to))
        if let name = zone.abbreviation(for: moment), !name.isEmpty {
            out += ICalendarText.line("TZNAME", ICalendarText.escape(name))
        }
        out += ICalendarText.line("END", kind)
        return out
    }
}
