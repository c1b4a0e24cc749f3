/// Reads PostgreSQL's text output formats byte by byte (they are ASCII where it matters).
struct TextScanner {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool {
        position == bytes.count
    }

    var peek: UInt8? {
        isAtEnd ? nil : bytes[position]
    }

    /// Consumes `byte` if it comes next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        position += 1
        return true
    }

    /// Consumes `text` if it comes next.
    mutating func take(_ text: String) -> Bool {
        let expected = Array(text.utf8)
        guard bytes.count - position >= expected.count,
              bytes[position..<position + expected.count].elementsEqual(expected) else { return false }
        position += expected.count
        return true
    }

    /// Consumes a `+` or `-` if one comes next: -1 for minus, 1 otherwise.
    mutating func sign() -> Int64 {
        if take(UInt8(ascii: "-")) { return -1 }
        _ = take(UInt8(ascii: "+"))
        return 1
    }

    /// Consumes a run of decimal digits; nil when none comes next or the value overflows `Int64`.
    mutating func digits(exactly count: Int? = nil) -> Int64? {
        var value: Int64 = 0
        let start = position
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            if let count, position - start == count { break }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
            position += 1
        }
        if position == start { return nil }
        if let count, position - start != count { return nil }
        return value
    }

    /// Consumes a fraction's digits after a `.` and returns them as microseconds (at most 6 digits are
    /// significant; more are rounded). Nil when no digit follows.
    mutating func microsecondFraction() -> Int64? {
        var micros: Int64 = 0
        var scale: Int64 = 100_000
        var roundUp = false
        let start = position
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let digit = Int64(byte - UInt8(ascii: "0"))
            if scale > 0 {
                micros += digit * scale
                scale /= 10
            } else if position - start == 6 {
                roundUp = digit >= 5
            }
            position += 1
        }
        if position == start { return nil }
        return micros + (roundUp ? 1 : 0)
    }
}
