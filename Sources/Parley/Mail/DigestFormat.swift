import Foundation
import PQ

/// How digests write numbers, days and times: English, fixed formats, whatever the host's locale.
enum DigestFormat {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `1,000`, `39.5`, `-2`: digits grouped by three, a decimal point, no trailing zeros.
    static func number(_ value: Decimal) -> String {
        var text = NSDecimalNumber(decimal: value).stringValue
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text.removeFirst()
        }
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = Array(parts[0])
        var grouped = ""
        for (index, digit) in integer.enumerated() {
            if index > 0 && (integer.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return sign + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// `1 day`, `3 days`.
    static func days(_ count: Int) -> String {
        count == 1 ? "1 day" : "\(count) days"
    }

    /// `Sun 25 May 2025`.
    static func date(_ day: CalendarDate) -> String {
        // 1970-01-01 was a Thursday.
        let weekday = ((daysSinceEpoch(day) % 7) + 7 + 4) % 7
        return "\(weekdays[weekday]) \(day.day) \(months[day.month - 1]) \(day.year)"
    }

    /// `Mon 2 Jun 2025 13:00` in `timezone` (UTC when the name is unknown).
    static func dateTime(_ moment: Date, timezone: String) -> String {
        let parts = calendars.calendar(for: timezone)
            .dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: moment)
        return "\(weekdays[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970) "
            + twoDigits(parts.hour ?? 0) + ":" + twoDigits(parts.minute ?? 0)
    }

    /// `7` → `07` (as `%02d` for 0...99).
    private static func twoDigits(_ value: Int) -> String {
        value >= 0 && value < 10 ? "0\(value)" : "\(value)"
    }

    /// The calendar day of `moment` in `timezone`.
    static func day(_ moment: Date, timezone: String) -> CalendarDate {
        CalendarDate(moment, in: TimeZone(identifier: timezone) ?? .gmt)
    }

    /// Whole days from `from` to `to` (negative when `to` is earlier).
    static func daysBetween(_ from: CalendarDate, _ to: CalendarDate) -> Int {
        daysSinceEpoch(to) - daysSinceEpoch(from)
    }

    /// Days from 1970-01-01 to `day` in the proleptic Gregorian calendar, as Foundation's counts them. By arithmetic
    /// (`CalendarDate.daysSince1970`): a digest asks for several per alert, and Foundation's calendar was a few per
    /// cent of the mailer's CPU (BENCHMARKS.md, figure 4).
    static func daysSinceEpoch(_ day: CalendarDate) -> Int {
        Int(day.daysSince1970)
    }

    /// A status as people say it: `partially_fulfilled` → `partially fulfilled`.
    static func words(_ code: String) -> String {
        String(decoding: code.utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// `text` as an SQL string literal: quotes doubled, so that a query shown in a mail can be pasted into psql.
    static func sqlLiteral(_ text: String) -> String {
        let line = BodyText.singleLine(text)
        return "'" + (line.utf8.contains(UInt8(ascii: "'")) ? line.replacingOccurrences(of: "'", with: "''") : line) + "'"
    }

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// The Gregorian calendar of each time zone name met, made once per run (issue 17: a digest writes several
    /// times per alert, and looking the zone up and making its calendar each time was most of it).
    private static let calendars = CalendarCache()

    private final class CalendarCache: @unchecked Sendable {
        private let lock = NSLock()
        /// Guarded by `lock`.
        private var byName: [String: Calendar] = [:]

        /// The calendar of `timezone` (UTC when the name is unknown).
        func calendar(for timezone: String) -> Calendar {
            lock.lock()
            defer { lock.unlock() }
            if let known = byName[timezone] { return known }
            let made = DigestFormat.calendar(TimeZone(identifier: timezone) ?? .gmt)
            byName[timezone] = made
            return made
        }
    }
}
