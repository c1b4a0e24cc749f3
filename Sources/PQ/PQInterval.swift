/// PostgreSQL's `interval`: months, days and microseconds, kept apart as PostgreSQL keeps them, because a month
/// and a day have no fixed length (a day can have 23 hours across a daylight-saving change).
///
/// Its description is PostgreSQL's own style, e.g. `+14 mons +3 days +04:05:06.789000`, which is also how it is
/// sent as a parameter.
public struct PQInterval: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Months, from the interval's years and months (a year is 12 months).
    public var months: Int32
    /// Days.
    public var days: Int32
    /// Microseconds: the hours, minutes and seconds.
    public var microseconds: Int64

    public init(months: Int32 = 0, days: Int32 = 0, microseconds: Int64 = 0) {
        self.months = months
        self.days = days
        self.microseconds = microseconds
    }

    /// An interval of whole seconds and a fraction, rounded to the microsecond, with no months or days.
    public init(seconds: Double) {
        self.init(microseconds: Int64((seconds * 1e6).rounded()))
    }

    /// The interval's length in seconds, counting a month as 30 days and a day as 24 hours as PostgreSQL's
    /// `extract(epoch from …)` does — an approximation where months or days are involved.
    public var seconds: Double {
        (Double(months) * 30 + Double(days)) * 86_400 + Double(microseconds) / 1e6
    }

    /// PostgreSQL's interval input with a sign on every field, e.g. `+14 mons -3 days -04:05:06.789000`, so that
    /// no `IntervalStyle` can read the signs differently.
    public var description: String {
        let sign = microseconds < 0 ? "-" : "+"
        let magnitude = microseconds.magnitude
        let totalSeconds = magnitude / 1_000_000
        let time = "\(totalSeconds / 3600):\(PostgresTime.padded(Int(totalSeconds / 60 % 60), 2))"
            + ":\(PostgresTime.padded(Int(totalSeconds % 60), 2)).\(PostgresTime.padded(Int(magnitude % 1_000_000), 6))"
        return "\(months >= 0 ? "+" : "")\(months) mons \(days >= 0 ? "+" : "")\(days) days \(sign)\(time)"
    }
}
