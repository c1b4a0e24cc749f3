import Foundation

/// PostgreSQL's text forms of `date`, `timestamp` and `timestamptz` (with `DateStyle = 'ISO, YMD'`), read and
/// written without Foundation's calendar, so that microseconds and far years come through exactly.
enum PostgresTime {
    private static let microsPerSecond: Int64 = 1_000_000
    private static let microsPerDay: Int64 = 86_400 * 1_000_000
    /// Seconds from 1970-01-01 to 2001-01-01, Foundation's reference date.
    private static let referenceDateOffset: Int64 = 978_307_200

    // MARK: Reading

    /// Reads `[-]YYYY-MM-DD` and checks the day exists.
    static func scanDate(_ scanner: inout TextScanner) -> CalendarDate? {
        let sign = scanner.sign()
        guard let year = scanner.digits(), year <= 10_000_000, scanner.take(UInt8(ascii: "-")),
              let month = scanner.digits(exactly: 2), scanner.take(UInt8(ascii: "-")),
              let day = scanner.digits(exactly: 2) else { return nil }
        let date = CalendarDate(year: Int(sign * year), month: Int(month), day: Int(day))
        guard (1...12).contains(date.month), (1...daysIn(month: date.month, year: date.year)).contains(date.day) else {
            return nil
        }
        return date
    }

    /// Decodes the server's `date` text, e.g. `2025-05-16` or `0044-03-15 BC`.
    static func decodeDate(_ text: String) throws -> CalendarDate {
        var scanner = TextScanner(text)
        guard var date = scanDate(&scanner) else { throw invalid(text, "date") }
        if scanner.take(" BC") { date.year = 1 - date.year }
        guard scanner.isAtEnd else { throw invalid(text, "date") }
        return date
    }

    /// Decodes the server's `timestamptz` text (`2025-05-16 12:00:00.123456+03`, `+05:30`, `+05:53:28`) or
    /// `timestamp` text (no offset: read as UTC) into a `Date`, keeping microseconds.
    static func decodeTimestamp(_ text: String) throws -> Date {
        if text == "infinity" || text == "-infinity" {
            throw PQError.decoding("an infinite timestamp has no Date", value: text)
        }
        var scanner = TextScanner(text)
        guard let date = scanDate(&scanner), scanner.take(UInt8(ascii: " ")),
              let hour = scanner.digits(exactly: 2), scanner.take(UInt8(ascii: ":")),
              let minute = scanner.digits(exactly: 2), scanner.take(UInt8(ascii: ":")),
              let second = scanner.digits(exactly: 2) else { throw invalid(text, "timestamp") }
        var fraction: Int64 = 0
        if scanner.take(UInt8(ascii: ".")) {
            guard let micros = scanner.microsecondFraction() else { throw invalid(text, "timestamp") }
            fraction = micros
        }
        var offsetSeconds: Int64 = 0
        if scanner.peek == UInt8(ascii: "+") || scanner.peek == UInt8(ascii: "-") {
            let sign = scanner.sign()
            guard let hours = scanner.digits(exactly: 2) else { throw invalid(text, "timestamp") }
            var minutes: Int64 = 0, seconds: Int64 = 0
            if scanner.take(UInt8(ascii: ":")) {
                guard let value = scanner.digits(exactly: 2) else { throw invalid(text, "timestamp") }
                minutes = value
                if scanner.take(UInt8(ascii: ":")) {
                    guard let value = scanner.digits(exactly: 2) else { throw invalid(text, "timestamp") }
                    seconds = value
                }
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60 + seconds)
        }
        var year = date.year
        if scanner.take(" BC") { year = 1 - year }
        guard scanner.isAtEnd, hour < 24, minute < 60, second < 61 else { throw invalid(text, "timestamp") }

        let days = daysSince1970(year: year, month: date.month, day: date.day)
        let secondsSince2001 = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
            - referenceDateOffset
        // One rounding only: whole microseconds since the reference date, divided once.
        let (micros, overflow) = secondsSince2001.multipliedReportingOverflow(by: microsPerSecond)
        if !overflow, abs(micros) < 1 << 53 {
            return Date(timeIntervalSinceReferenceDate: Double(micros + fraction) / 1e6)
        }
        return Date(timeIntervalSinceReferenceDate: Double(secondsSince2001) + Double(fraction) / 1e6)
    }

    private static func invalid(_ text: String, _ type: String) -> PQError {
        PQError.decoding("not a valid \(type) in ISO DateStyle", value: text)
    }

    // MARK: Writing

    /// `YYYY-MM-DD`, with astronomical years (negative for BC) like `CalendarDate.description`.
    static func isoText(_ date: CalendarDate) -> String {
        let yearText = padded(abs(date.year), 4)
        return (date.year < 0 ? "-" : "") + "\(yearText)-\(padded(date.month, 2))-\(padded(date.day, 2))"
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DD BC`, the form PostgreSQL's `date` input reads.
    static func postgresText(_ date: CalendarDate) -> String {
        guard date.year <= 0 else { return isoText(date) }
        return "\(padded(1 - date.year, 4))-\(padded(date.month, 2))-\(padded(date.day, 2)) BC"
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, `date` rounded to the microsecond, for `timestamptz` input.
    ///
    /// - Throws: `.usage` for a date too far out for PostgreSQL (or NaN).
    static func postgresText(_ date: Date) throws -> String {
        let seconds = date.timeIntervalSinceReferenceDate
        guard seconds.isFinite, abs(seconds) < 9.2e12 else {
            throw PQError.usage("a Date parameter is outside PostgreSQL's timestamp range")
        }
        // Rounding the microseconds since the reference date, not since 1970, avoids one more Double rounding.
        let micros = Int64((seconds * 1e6).rounded()) + referenceDateOffset * microsPerSecond
        let (days, microsOfDay) = flooredDivision(micros, microsPerDay)
        let civil = civilDate(daysSince1970: days)
        let secondsOfDay = microsOfDay / microsPerSecond
        let time = "\(padded(Int(secondsOfDay / 3600), 2)):\(padded(Int(secondsOfDay / 60 % 60), 2))"
            + ":\(padded(Int(secondsOfDay % 60), 2)).\(padded(Int(microsOfDay % microsPerSecond), 6))"
        let bc = civil.year <= 0
        let yearText = padded(bc ? 1 - civil.year : civil.year, 4)
        return "\(yearText)-\(padded(civil.month, 2))-\(padded(civil.day, 2)) \(time)+00" + (bc ? " BC" : "")
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, as PostgreSQL)

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    /// Days from 1970-01-01 to the given date (Howard Hinnant's `days_from_civil`); astronomical years.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month), d = Int64(day)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`); astronomical years.
    static func civilDate(daysSince1970 days: Int64) -> CalendarDate {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return CalendarDate(year: Int(year), month: Int(month), day: Int(day))
    }

    private static func flooredDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
