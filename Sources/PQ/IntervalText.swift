/// Reads PostgreSQL's `interval` output: the `postgres` style PQ sets at connect
/// (`-1 years -2 mons +3 days -04:05:06.789`) and, to be robust, the `iso_8601` style (`P-1Y-2M3DT-4H-5M-6.789S`).
enum IntervalText {
    static func decode(_ text: String) throws -> PQInterval {
        if text.hasPrefix("P") || text.hasPrefix("-P") {
            return try decodeISO8601(text)
        }
        return try decodePostgres(text)
    }

    /// `[±N year[s]] [±N mon[s]] [±N day[s]] [±H:MM:SS[.f]]`, each part optional and signed on its own.
    private static func decodePostgres(_ text: String) throws -> PQInterval {
        var months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0
        let words = text.split(separator: " ")
        var index = 0
        guard !words.isEmpty else { throw invalid(text) }
        while index < words.count {
            let word = String(words[index])
            var scanner = TextScanner(word)
            if word.contains(":") {
                let sign = scanner.sign()
                guard let hours = scanner.digits(), scanner.take(UInt8(ascii: ":")),
                      let minutes = scanner.digits(exactly: 2), scanner.take(UInt8(ascii: ":")),
                      let seconds = scanner.digits(exactly: 2) else { throw invalid(text) }
                var fraction: Int64 = 0
                if scanner.take(UInt8(ascii: ".")) {
                    guard let value = scanner.microsecondFraction() else { throw invalid(text) }
                    fraction = value
                }
                guard scanner.isAtEnd else { throw invalid(text) }
                let hourMicros = try add(0, hours, times: 3_600_000_000, text)
                micros = try add(micros, sign, times: add(hourMicros, minutes * 60_000_000 + seconds * 1_000_000 + fraction, times: 1, text), text)
                index += 1
                continue
            }
            let sign = scanner.sign()
            guard let number = scanner.digits(), scanner.isAtEnd, index + 1 < words.count else { throw invalid(text) }
            let value = sign * number
            switch words[index + 1] {
            case "year", "years": months = try add(months, value, times: 12, text)
            case "mon", "mons": months = try add(months, value, times: 1, text)
            case "day", "days": days = try add(days, value, times: 1, text)
            default: throw invalid(text)
            }
            index += 2
        }
        return try interval(months: months, days: days, micros: micros, text: text)
    }

    /// `P[nY][nM][nD][T[nH][nM][n[.f]S]]`, numbers signed each on its own; a leading `-` negates all.
    private static func decodeISO8601(_ text: String) throws -> PQInterval {
        var scanner = TextScanner(text)
        let overall = scanner.sign()
        guard scanner.take(UInt8(ascii: "P")) else { throw invalid(text) }
        var months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0
        var inTime = false
        while !scanner.isAtEnd {
            if !inTime, scanner.take(UInt8(ascii: "T")) {
                inTime = true
                continue
            }
            let sign = scanner.sign()
            guard let number = scanner.digits() else { throw invalid(text) }
            var fraction: Int64 = 0
            if scanner.take(UInt8(ascii: ".")) {
                guard let value = scanner.microsecondFraction() else { throw invalid(text) }
                fraction = value
            }
            let unit = scanner.peek
            _ = unit.map { scanner.take($0) }
            let value = sign * number
            switch (inTime, unit) {
            case (false, UInt8(ascii: "Y")): months = try add(months, value, times: 12, text)
            case (false, UInt8(ascii: "M")): months = try add(months, value, times: 1, text)
            case (false, UInt8(ascii: "W")): days = try add(days, value, times: 7, text)
            case (false, UInt8(ascii: "D")): days = try add(days, value, times: 1, text)
            case (true, UInt8(ascii: "H")): micros = try add(micros, value, times: 3_600_000_000, text)
            case (true, UInt8(ascii: "M")): micros = try add(micros, value, times: 60_000_000, text)
            case (true, UInt8(ascii: "S")):
                micros = try add(try add(micros, value, times: 1_000_000, text), sign * fraction, times: 1, text)
            default: throw invalid(text)
            }
            if fraction != 0, unit != UInt8(ascii: "S") { throw invalid(text) }
        }
        return try interval(months: overall * months, days: overall * days, micros: overall * micros, text: text)
    }

    /// `total + value * factor`, throwing instead of trapping on overflow.
    private static func add(_ total: Int64, _ value: Int64, times factor: Int64, _ text: String) throws -> Int64 {
        let (product, overflow1) = value.multipliedReportingOverflow(by: factor)
        let (sum, overflow2) = total.addingReportingOverflow(product)
        guard !overflow1, !overflow2 else { throw invalid(text) }
        return sum
    }

    private static func interval(months: Int64, days: Int64, micros: Int64, text: String) throws -> PQInterval {
        guard let months = Int32(exactly: months), let days = Int32(exactly: days) else { throw invalid(text) }
        return PQInterval(months: months, days: days, microseconds: micros)
    }

    private static func invalid(_ text: String) -> PQError {
        PQError.decoding("not a valid interval in the postgres or iso_8601 IntervalStyle", value: text)
    }
}
