import Foundation

/// A Swift value that can be sent as a query parameter (`$1`, `$2`, …) in PostgreSQL's text input format.
///
/// All parameter encoding happens in the conformances in this file. Parameters are always bound, never pasted into
/// SQL text, so no value needs quoting or escaping. The server infers each parameter's type from the SQL; cast
/// where it cannot (`select $1::timestamptz`).
public protocol PQEncodable {
    /// The value in PostgreSQL's text input format, or nil for SQL NULL.
    ///
    /// - Throws: a `.usage` `PQError` for values PostgreSQL cannot take, such as text containing NUL.
    func postgresText() throws -> String?
}

extension Optional: PQEncodable where Wrapped: PQEncodable {
    /// nil is SQL NULL.
    public func postgresText() throws -> String? {
        try self?.postgresText()
    }
}

extension String: PQEncodable {
    /// The text itself. Throws `.usage` when it contains NUL, which PostgreSQL text cannot hold.
    public func postgresText() throws -> String? {
        try Connection.requireNoNUL(self, what: "a text parameter")
        return self
    }
}

extension Substring: PQEncodable {
    /// The text itself, like `String`.
    public func postgresText() throws -> String? {
        try String(self).postgresText()
    }
}

extension Int: PQEncodable {
    public func postgresText() throws -> String? { String(self) }
}

extension Int64: PQEncodable {
    public func postgresText() throws -> String? { String(self) }
}

extension Int32: PQEncodable {
    public func postgresText() throws -> String? { String(self) }
}

extension Int16: PQEncodable {
    public func postgresText() throws -> String? { String(self) }
}

extension Bool: PQEncodable {
    /// `t` or `f`.
    public func postgresText() throws -> String? { self ? "t" : "f" }
}

extension Double: PQEncodable {
    /// The shortest text that reads back as the same `Double`; `NaN`, `Infinity` and `-Infinity` for the specials.
    public func postgresText() throws -> String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return description
    }
}

extension Decimal: PQEncodable {
    /// The decimal number, all digits kept; `NaN` for `.nan`.
    public func postgresText() throws -> String? {
        isNaN ? "NaN" : description
    }
}

extension Date: PQEncodable {
    /// A `timestamptz` in UTC, rounded to the microsecond: `2025-05-16 09:30:00.123456+00`.
    public func postgresText() throws -> String? {
        try PostgresTime.postgresText(self)
    }
}

extension CalendarDate: PQEncodable {
    /// A `date`: `YYYY-MM-DD` (with ` BC` for years before 1).
    public func postgresText() throws -> String? {
        PostgresTime.postgresText(self)
    }
}

extension PQInterval: PQEncodable {
    /// An `interval` with a sign on every field: `+14 mons -3 days -04:05:06.789000`.
    public func postgresText() throws -> String? {
        description
    }
}

extension UUID: PQEncodable {
    /// A `uuid`.
    public func postgresText() throws -> String? {
        uuidString.lowercased()
    }
}

extension Data: PQEncodable {
    /// A `bytea` in hex form, `\x0102ff`. For `json` parameters send a `String` or `PQJSON` instead.
    public func postgresText() throws -> String? {
        ByteaText.encode(self)
    }
}

extension Array: PQEncodable where Element: PQEncodable {
    /// A one-dimensional array literal, every element quoted so that quotes, backslashes, commas, braces, blanks,
    /// the empty string and the text `NULL` survive; nil elements are SQL NULL.
    public func postgresText() throws -> String? {
        ArrayLiteral.encode(try map { try $0.postgresText() })
    }
}

extension PQJSON: PQEncodable where Value: Encodable {
    /// The value encoded by a `JSONEncoder` with sorted keys, for a `json` or `jsonb` parameter.
    public func postgresText() throws -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try String(decoding: encoder.encode(value), as: UTF8.self).postgresText()
        } catch let error as PQError {
            throw error
        } catch {
            var wrapped = PQError.usage("a PQJSON parameter could not be encoded as JSON")
            wrapped.underlying = error
            throw wrapped
        }
    }
}
