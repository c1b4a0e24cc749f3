import Foundation
import PQ

/// Dates and times in the forms of RFC 5545 §3.3.4–3.3.5.
enum ICalendarTime {
    private static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// `20250516T093000Z`: a moment in UTC.
    static func utc(_ date: Date) -> String {
        wallClock(date, offset: 0) + "Z"
    }

    /// `20250516T123000`: the wall-clock time at `date` in `zone` (for `TZID=`).
    static func local(_ date: Date, in zone: TimeZone) -> String {
        wallClock(date, offset: zone.secondsFromGMT(for: date))
    }

    /// `20250516T123000`: the wall-clock time of `date` at a place `offset` seconds ahead of UTC.
    static func wallClock(_ date: Date, offset: Int) -> String {
        let parts = gregorian.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                             from: date.addingTimeInterval(TimeInterval(offset)))
        return pad(parts.year ?? 0, 4) + pad(parts.month ?? 0, 2) + pad(parts.day ?? 0, 2) + "T"
            + pad(parts.hour ?? 0, 2) + pad(parts.minute ?? 0, 2) + pad(parts.second ?? 0, 2)
    }

    /// `20250516`: a day.
    static func date(_ day: CalendarDate) -> String {
        pad(day.year, 4) + pad(day.month, 2) + pad(day.day, 2)
    }

    /// The day after `day`.
    static func nextDay(_ day: CalendarDate) -> CalendarDate {
        let utc = TimeZone.gmt
        return CalendarDate(day.startOfDay(in: utc).addingTimeInterval(86_400 + 3_600), in: utc)
    }

    /// `+0300`, `-0430`, `+053045`: a UTC offset (§3.3.14).
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        var text = sign + pad(magnitude / 3600, 2) + pad(magnitude % 3600 / 60, 2)
        if magnitude % 60 != 0 { text += pad(magnitude % 60, 2) }
        return text
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
