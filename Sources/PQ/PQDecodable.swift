import Foundation

/// A Swift type that can be decoded from PostgreSQL's text output of a result value.
///
/// All decoding of result values happens in the conformances in this file; `Row.decode` calls them and names the
/// column and its type in any error. Conform your own types (a wrapper around an ID, an enum) by decoding
/// through one of these.
public protocol PQDecodable {
    /// Decodes a value from its text form.
    ///
    /// - Parameters:
    ///   - text: the value as PostgreSQL printed it, nil for SQL NULL.
    ///   - type: the result column's type, to reject values of the wrong type and to pick a format.
    /// - Throws: a `.decoding` `PQError` (see `PQError.kind`) whose message holds no data values.
    static func decode(postgresText text: String?, type: PQDataType) throws -> Self
}

extension PQDataType {
    /// Throws `.decoding` unless this type is one of `accepted` or unknown to PQ (user types, whose text form the
    /// decoder then tries anyway).
    func require(_ accepted: [PQDataType], for swiftType: Any.Type) throws {
        guard !isKnown || accepted.contains(self) else {
            throw PQError.decoding("a value of type \(name) cannot be decoded as \(swiftType)")
        }
    }
}

private func requireNotNull(_ text: String?, as swiftType: Any.Type) throws -> String {
    guard let text else {
        throw PQError.decoding("NULL cannot be decoded as non-optional \(swiftType); decode as \(swiftType)?")
    }
    return text
}

private let integerTypes: [PQDataType] = [.int2, .int4, .int8, .oid]

private func decodeInteger<T: FixedWidthInteger>(_ text: String?, _ type: PQDataType) throws -> T {
    let text = try requireNotNull(text, as: T.self)
    try type.require(integerTypes, for: T.self)
    guard let value = T(text) else {
        throw PQError.decoding(
            Int64(text) != nil ? "the integer is out of range for \(T.self)" : "not an integer", value: text)
    }
    return value
}

extension Optional: PQDecodable where Wrapped: PQDecodable {
    /// SQL NULL is nil; any other value decodes as `Wrapped`.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(postgresText: text, type: type)
    }
}

extension String: PQDecodable {
    /// Any type's text form.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> String {
        try requireNotNull(text, as: String.self)
    }
}

extension Int: PQDecodable {
    /// From `int2`, `int4`, `int8` and `oid`.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Int {
        try decodeInteger(text, type)
    }
}

extension Int64: PQDecodable {
    /// From `int2`, `int4`, `int8` and `oid`.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Int64 {
        try decodeInteger(text, type)
    }
}

extension Int32: PQDecodable {
    /// From `int2`, `int4`, `int8` and `oid`; an `int8` beyond `Int32`'s range is a decoding error.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Int32 {
        try decodeInteger(text, type)
    }
}

extension Int16: PQDecodable {
    /// From `int2`, `int4`, `int8` and `oid`; a value beyond `Int16`'s range is a decoding error.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Int16 {
        try decodeInteger(text, type)
    }
}

extension Bool: PQDecodable {
    /// From `bool` (`t` or `f`).
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Bool {
        let text = try requireNotNull(text, as: Bool.self)
        try type.require([.bool], for: Bool.self)
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw PQError.decoding("not a boolean", value: text)
        }
    }
}

extension Double: PQDecodable {
    /// From `float4`, `float8`, `numeric` and the integer types; `NaN`, `Infinity` and `-Infinity` included.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Double {
        let text = try requireNotNull(text, as: Double.self)
        try type.require([.float4, .float8, .numeric] + integerTypes, for: Double.self)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text), value.isFinite else {
                throw PQError.decoding("not a floating-point number", value: text)
            }
            return value
        }
    }
}

extension Decimal: PQDecodable {
    /// From `numeric` and the integer types, exactly up to Foundation's 38 significant digits; `NaN` is `.nan`.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Decimal {
        let text = try requireNotNull(text, as: Decimal.self)
        try type.require([.numeric] + integerTypes, for: Decimal.self)
        if text == "NaN" { return .nan }
        guard let value = numeral(text) else {
            throw PQError.decoding("not a decimal number (or infinite)", value: text)
        }
        return value
    }

    /// The value of `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, nil for anything else. Up to 18 significant digits
    /// it is built from its digits directly (exact: an integer significand and a power of ten); longer ones are read
    /// by `Decimal(string:)`, once the whole text is known to be a numeral (it stops at the first character it cannot
    /// read). A digest's round decodes thousands of these: the regular expression and the locale this replaced were
    /// most of the mailer's time (BENCHMARKS.md, figure 4).
    static func numeral(_ text: String) -> Decimal? {
        var significand: UInt64 = 0
        var significantDigits = 0
        var digits = 0
        var fractionDigits = 0
        var exponent = 0
        var negative = false
        var seenPoint = false
        var index = text.utf8.startIndex
        let end = text.utf8.endIndex
        let utf8 = text.utf8
        if index < end, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
            negative = utf8[index] == UInt8(ascii: "-")
            utf8.formIndex(after: &index)
        }
        while index < end {
            let byte = utf8[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                if seenPoint { fractionDigits += 1 }
                if significand > 0 || byte != UInt8(ascii: "0") {
                    significantDigits += 1
                    if significantDigits <= 18 { significand = significand * 10 + UInt64(byte - UInt8(ascii: "0")) }
                }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            utf8.formIndex(after: &index)
        }
        guard digits > 0 else { return nil }
        if index < end, utf8[index] == UInt8(ascii: "e") || utf8[index] == UInt8(ascii: "E") {
            utf8.formIndex(after: &index)
            var exponentNegative = false
            if index < end, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
                exponentNegative = utf8[index] == UInt8(ascii: "-")
                utf8.formIndex(after: &index)
            }
            var exponentDigits = 0
            while index < end, utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") {
                exponentDigits += 1
                if exponent < 100_000 { exponent = exponent * 10 + Int(utf8[index] - UInt8(ascii: "0")) }
                utf8.formIndex(after: &index)
            }
            guard exponentDigits > 0 else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard index == end else { return nil }
        let scale = exponent - fractionDigits
        guard significantDigits <= 18, abs(scale) <= 100 else {
            return Decimal(string: text, locale: posix)
        }
        if significand == 0 { return Decimal(0) }
        return Decimal(sign: negative ? .minus : .plus, exponent: scale, significand: Decimal(significand))
    }

    private static let posix = Locale(identifier: "en_US_POSIX")
}

extension Date: PQDecodable {
    /// From `timestamptz` (any session time zone; microseconds kept) and `timestamp` (read as UTC).
    /// Infinite timestamps are a decoding error.
    ///
    /// A `Date` is a `Double` of seconds since 2001: it holds every microsecond exactly for about 68 years either
    /// side of 2001; further out, the nearest `Date` is returned.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Date {
        let text = try requireNotNull(text, as: Date.self)
        try type.require([.timestamptz, .timestamp], for: Date.self)
        return try PostgresTime.decodeTimestamp(text)
    }
}

extension CalendarDate: PQDecodable {
    /// From `date`; infinite dates are a decoding error.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> CalendarDate {
        let text = try requireNotNull(text, as: CalendarDate.self)
        try type.require([.date], for: CalendarDate.self)
        return try PostgresTime.decodeDate(text)
    }
}

extension PQInterval: PQDecodable {
    /// From `interval` in the `postgres` or `iso_8601` `IntervalStyle`.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> PQInterval {
        let text = try requireNotNull(text, as: PQInterval.self)
        try type.require([.interval], for: PQInterval.self)
        return try IntervalText.decode(text)
    }
}

extension UUID: PQDecodable {
    /// From `uuid`.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> UUID {
        let text = try requireNotNull(text, as: UUID.self)
        try type.require([.uuid], for: UUID.self)
        guard let value = UUID(uuidString: text) else { throw PQError.decoding("not a UUID", value: text) }
        return value
    }
}

extension Data: PQDecodable {
    /// From `bytea` (its bytes, hex or escape output), and from `json`, `jsonb` and text types (their UTF-8 bytes).
    public static func decode(postgresText text: String?, type: PQDataType) throws -> Data {
        let text = try requireNotNull(text, as: Data.self)
        try type.require([.bytea, .json, .jsonb, .text, .varchar, .bpchar, .name, .xml], for: Data.self)
        guard type == .bytea else { return Data(text.utf8) }
        return try ByteaText.decode(text)
    }
}

extension Array: PQDecodable where Element: PQDecodable {
    /// From a one-dimensional array (`text[]`, `int8[]`, …), each element decoded as `Element` with the array's
    /// element type. A NULL element needs an optional `Element` (`[String?]`); otherwise it is a decoding error.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> [Element] {
        let text = try requireNotNull(text, as: [Element].self)
        guard !type.isKnown || type.isArray else {
            throw PQError.decoding("a value of type \(type.name) is not an array and cannot be decoded as \([Element].self)")
        }
        let elementType = type.elementType ?? PQDataType(oid: 0)
        return try ArrayLiteral.decode(text).enumerated().map { index, element in
            do {
                return try Element.decode(postgresText: element, type: elementType)
            } catch var error as PQError where error.kind == .decoding {
                error.message = "element \(index + 1): " + error.message
                throw error
            }
        }
    }
}

extension PQJSON: PQDecodable where Value: Decodable {
    /// From `json` and `jsonb` (or text holding JSON), with a default `JSONDecoder`. Use `Row.decodeJSON` for
    /// another decoder.
    public static func decode(postgresText text: String?, type: PQDataType) throws -> PQJSON<Value> {
        try decode(postgresText: text, type: type, decoder: JSONDecoder())
    }

    static func decode(postgresText text: String?, type: PQDataType, decoder: JSONDecoder) throws -> PQJSON<Value> {
        let text = try requireNotNull(text, as: Value.self)
        try type.require([.json, .jsonb, .text, .varchar], for: Value.self)
        do {
            return PQJSON(try decoder.decode(Value.self, from: Data(text.utf8)))
        } catch {
            var wrapped = PQError.decoding("the JSON does not decode as \(Value.self)")
            wrapped.underlying = error
            throw wrapped
        }
    }
}
