import Foundation

/// A day in the proleptic Gregorian calendar without time or time zone — PostgreSQL's `date`.
///
/// Its description is the ISO 8601 form `YYYY-MM-DD`, and it is `Codable` as that string.
/// Years before 1 are astronomical: year 0 is 1 BC, as PostgreSQL counts.
public struct CalendarDate: Hashable, Sendable, Comparable, Codable, LosslessStringConvertible {
    public var year: Int
    /// 1 to 12.
    public var month: Int
    /// 1 to 31.
    public var day: Int

    /// A date from its parts, not checked: PostgreSQL rejects impossible dates (SQLSTATE 22008) when one is sent.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (four or more year digits); nil for other text and impossible dates such as 2025-02-30.
    public init?(_ description: String) {
        var scanner = TextScanner(description)
        guard let date = PostgresTime.scanDate(&scanner), scanner.isAtEnd else { return nil }
        self = date
    }

    /// The day `date` falls on in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.era, .year, .month, .day], from: date)
        let year = parts.year ?? 1
        self.init(year: parts.era == 0 ? 1 - year : year, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The first moment of this day in `timeZone`.
    public func startOfDay(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = DateComponents(era: year > 0 ? 1 : 0, year: year > 0 ? year : 1 - year, month: month, day: day)
        return calendar.date(from: parts).map { calendar.startOfDay(for: $0) } ?? Date.distantPast
    }

    /// `YYYY-MM-DD`, the year padded to four digits; years before 1 as negative astronomical years.
    public var description: String {
        PostgresTime.isoText(self)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date in the form YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CalendarDate {
    /// Days from 1970-01-01 to this day (negative before it), by arithmetic: what the mailer's dates and day counts
    /// need many times a run, without Foundation's calendar.
    public var daysSince1970: Int64 {
        PostgresTime.daysSince1970(year: year, month: month, day: day)
    }

    /// The day `days` after 1970-01-01 (before it when negative).
    public init(daysSince1970 days: Int64) {
        self = PostgresTime.civilDate(daysSince1970: days)
    }
}
