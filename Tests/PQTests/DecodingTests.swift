import Foundation
import PQ
import Testing

@Suite struct DecodingTests {
    struct Payload: Codable, Equatable {
        var name: String
        var count: Int
        var tags: [String]
    }

    @Test func integersRoundTripAtTheirLimits() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            for value in [Int64.min, -1, 0, 1, Int64.max] {
                #expect(try connection.roundTrip(value, as: "int8", to: Int64.self) == value)
            }
            for value in [Int.min, 0, Int.max] {
                #expect(try connection.roundTrip(value, as: "int8", to: Int.self) == value)
            }
            for value in [Int32.min, 0, Int32.max] {
                #expect(try connection.roundTrip(value, as: "int4", to: Int32.self) == value)
                #expect(try connection.roundTrip(value, as: "int4", to: Int64.self) == Int64(value))
            }
            for value in [Int16.min, Int16.max] {
                #expect(try connection.roundTrip(value, as: "int2", to: Int16.self) == value)
            }
            #expect(try connection.roundTrip(Int64?.none, as: "int8", to: Int64?.self) == nil)
        }
    }

    @Test func booleansAndNull() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            #expect(try connection.roundTrip(true, as: "bool", to: Bool.self) == true)
            #expect(try connection.roundTrip(false, as: "bool", to: Bool.self) == false)
            #expect(try connection.roundTrip(Bool?.none, as: "bool", to: Bool?.self) == nil)
        }
    }

    @Test func doublesRoundTripExactlyIncludingSpecials() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            for value in [0.1, -1.5e300, Double.leastNonzeroMagnitude, 1e-5, .pi, Double.greatestFiniteMagnitude, .infinity, -.infinity] {
                #expect(try connection.roundTrip(value, as: "float8", to: Double.self) == value)
            }
            #expect(try connection.roundTrip(Double.nan, as: "float8", to: Double.self).isNaN)
            #expect(try connection.value("select 'NaN'::float8", as: Double.self).isNaN)
            #expect(try connection.value("select 2.5::numeric", as: Double.self) == 2.5)
        }
    }

    @Test func decimalsKeepTheirDigits() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            for text in ["12345678901234567890.123456789", "-0.000000001", "0", "99999999999999999999999999999999999999",
                         "1.10"] {
                let value = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
                #expect(try connection.roundTrip(value, as: "numeric", to: Decimal.self) == value)
                let serverValue = try connection.value("select \(text)::numeric", as: Decimal.self)
                #expect(serverValue == value)
                #expect(try connection.value("select $1::numeric = \(text)::numeric", [value], as: Bool.self))
            }
            #expect(try connection.value("select 'NaN'::numeric", as: Decimal.self).isNaN)
        }
    }

    /// The decimal reader builds short numerals from their digits: the same value as `Decimal(string:)` for every
    /// form PostgreSQL writes (and the exponent forms), and a decoding error for anything that is not a numeral.
    @Test func decimalsReadFromTextAsFoundationReadsThem() throws {
        let posix = Locale(identifier: "en_US_POSIX")
        for text in ["0", "-0", "0.00", "1", "-1", "42.5", "12.50", "-0.000000001", ".5", "5.", "+7", "1e3", "1.5E-7",
                     "-2.25e+2", "123456789012345678", "1234567890123456789", "999999999999999999.999",
                     "0.000000000000000000000001234", "100000000000000000000", "3.14159265358979323846264338327950288"] {
            let expected = try #require(Decimal(string: text, locale: posix))
            #expect(try Decimal.decode(postgresText: text, type: .numeric) == expected, "\(text)")
        }
        for text in ["", "-", ".", "1.2.3", "1e", "e5", "1e+", "12a", " 1", "1 ", "--1", "Infinity", "0x10"] {
            #expect(throws: PQError.self, "\(text)") { try Decimal.decode(postgresText: text, type: .numeric) }
        }
    }

    @Test func calendarDatesRoundTrip() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let dates = [CalendarDate(year: 2025, month: 5, day: 16), CalendarDate(year: 2024, month: 2, day: 29),
                         CalendarDate(year: 1, month: 1, day: 1), CalendarDate(year: 9999, month: 12, day: 31),
                         CalendarDate(year: 0, month: 3, day: 15)]
            for date in dates {
                #expect(try connection.roundTrip(date, as: "date", to: CalendarDate.self) == date)
            }
            #expect(try connection.value("select '0001-03-15 BC'::date", as: CalendarDate.self)
                == CalendarDate(year: 0, month: 3, day: 15))
            #expect(try connection.value("select $1::date::text", [dates[0]], as: String.self) == "2025-05-16")
            #expect(try connection.roundTrip(CalendarDate?.none, as: "date", to: CalendarDate?.self) == nil)
        }
    }

    @Test func calendarDateValueSemantics() throws {
        let date = CalendarDate(year: 2025, month: 5, day: 6)
        #expect(date.description == "2025-05-06")
        #expect(CalendarDate("2025-05-06") == date)
        #expect(CalendarDate("2025-02-30") == nil)
        #expect(CalendarDate("2025-5-6") == nil)
        #expect(CalendarDate(year: 2025, month: 5, day: 5) < date)
        #expect(CalendarDate(year: 2024, month: 12, day: 31) < date)
        let json = try JSONEncoder().encode([date])
        #expect(String(decoding: json, as: UTF8.self) == "[\"2025-05-06\"]")
        #expect(try JSONDecoder().decode([CalendarDate].self, from: json) == [date])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data("[\"May 6\"]".utf8)) }
        let utc = TimeZone(identifier: "UTC")!
        #expect(CalendarDate(date.startOfDay(in: utc), in: utc) == date)
        let kolkata = TimeZone(identifier: "Asia/Kolkata")!
        #expect(CalendarDate(Date(timeIntervalSince1970: 1_746_555_000), in: kolkata)  // 2025-05-06 18:10 UTC
            == CalendarDate(year: 2025, month: 5, day: 6))
        #expect(CalendarDate(Date(timeIntervalSince1970: 1_746_555_000), in: TimeZone(identifier: "Pacific/Kiritimati")!)
            == CalendarDate(year: 2025, month: 5, day: 7))
    }

    /// Microseconds since 1970, rounded, to compare dates without Double noise.
    private func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1e6).rounded())
    }

    @Test(arguments: ["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"])
    func timestampsKeepMicrosecondsInAnySessionTimeZone(timeZone: String) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("select set_config('TimeZone', $1, false)", [timeZone])
            let expected = try #require(ISO8601DateFormatter().date(from: "2025-05-16T09:30:00Z"))
                .addingTimeInterval(0.123456)

            let fromServer = try connection.value("select '2025-05-16 12:30:00.123456+03'::timestamptz", as: Date.self)
            #expect(micros(fromServer) == 1_747_387_800_123_456)
            #expect(micros(fromServer) == micros(expected))

            let roundTripped = try connection.roundTrip(fromServer, as: "timestamptz", to: Date.self)
            #expect(roundTripped == fromServer)
            #expect(try connection.value("select ($1::timestamptz at time zone 'UTC')::text", [fromServer], as: String.self)
                == "2025-05-16 09:30:00.123456")

            // Before 1970, and with a local mean time offset in seconds in Asia/Kolkata.
            let old = try connection.value("select '1850-01-01 00:00:00.000001+00'::timestamptz", as: Date.self)
            #expect(micros(old) == -3_786_825_600_000_000 + 1)
            #expect(try connection.roundTrip(old, as: "timestamptz", to: Date.self) == old)

            let half = Date(timeIntervalSince1970: 1_747_387_800.5)
            #expect(try connection.roundTrip(half, as: "timestamptz", to: Date.self) == half)
            #expect(try connection.roundTrip(Date?.none, as: "timestamptz", to: Date?.self) == nil)
        }
    }

    /// Dates from 1975 to 2030: a `Date` (a `Double` of seconds since 2001) holds every microsecond exactly only up to
    /// about 68 years away from 2001.
    @Test func manyTimestampsRoundTripToTheMicrosecond() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("set timezone = 'Asia/Kathmandu'")
            var generator = SystemRandomNumberGenerator()
            let dates = (0..<200).map { _ in
                Date(timeIntervalSince1970: Double(Int64.random(in: 157_766_400_000_000...1_893_456_000_000_000,
                                                                using: &generator)) / 1e6)
            }
            let result = try connection.query("select unnest($1::timestamptz[]) as t", [dates.map { Optional($0) }])
            #expect(result.rowCount == dates.count)
            for (row, date) in zip(result, dates) {
                #expect(micros(try row.decode("t", as: Date.self)) == micros(date))
            }
        }
    }

    @Test func timestampWithoutTimeZoneIsReadAsUTC() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let date = try connection.value("select '2025-05-16 09:30:00.5'::timestamp", as: Date.self)
            #expect(micros(date) == 1_747_387_800_500_000)
        }
    }

    @Test func intervalsDecodeTheirParts() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let cases: [(String, PQInterval)] = [
                ("1 year 2 mons 3 days 04:05:06.789", PQInterval(months: 14, days: 3, microseconds: 14_706_789_000)),
                ("-1 year -2 mons +3 days -04:05:06.789", PQInterval(months: -14, days: 3, microseconds: -14_706_789_000)),
                ("1 day -00:00:01", PQInterval(days: 1, microseconds: -1_000_000)),
                ("-0.5 seconds", PQInterval(microseconds: -500_000)),
                ("100 hours", PQInterval(microseconds: 360_000_000_000)),
                ("0", PQInterval()),
                ("-178956970 years -8 mons", PQInterval(months: Int32.min, days: 0, microseconds: 0)),
                ("0.000001 seconds", PQInterval(microseconds: 1)),
            ]
            for style in ["postgres", "iso_8601"] {
                try connection.execute("select set_config('IntervalStyle', $1, false)", [style])
                for (text, expected) in cases {
                    let decoded = try connection.value("select $1::interval", [text], as: PQInterval.self)
                    #expect(decoded == expected, "\(text) in \(style)")
                    #expect(try connection.roundTrip(expected, as: "interval", to: PQInterval.self) == expected)
                }
            }
            try connection.execute("set IntervalStyle = 'postgres'")
            let interval = PQInterval(months: 1, days: 2, microseconds: 3_500_000)
            #expect(interval.seconds == 32 * 86_400 + 3.5)
            #expect(try connection.value("select extract(epoch from $1::interval)::float8", [interval], as: Double.self)
                == interval.seconds)
            #expect(try connection.roundTrip(PQInterval?.none, as: "interval", to: PQInterval?.self) == nil)
        }
    }

    @Test func uuidsRoundTrip() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let uuid = UUID()
            #expect(try connection.roundTrip(uuid, as: "uuid", to: UUID.self) == uuid)
            #expect(try connection.value("select $1::uuid::text", [uuid], as: String.self) == uuid.uuidString.lowercased())
            #expect(try connection.roundTrip(UUID?.none, as: "uuid", to: UUID?.self) == nil)
        }
    }

    @Test func byteaRoundTripsEveryByte() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let data = Data((0...255).map { UInt8($0) } + [0, 0, 92, 120])
            #expect(try connection.roundTrip(data, as: "bytea", to: Data.self) == data)
            #expect(try connection.roundTrip(Data(), as: "bytea", to: Data.self) == Data())
            try connection.execute("set bytea_output = 'escape'")
            #expect(try connection.roundTrip(data, as: "bytea", to: Data.self) == data)
        }
    }

    @Test(arguments: ["json", "jsonb"])
    func jsonDecodesToDataAndDecodables(type: String) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let payload = Payload(name: "O'Reilly \"quoted\" 🎉", count: 3, tags: ["a", "b\\c"])
            let row = try connection.query("select $1::\(type) as doc, null::\(type) as missing", [PQJSON(payload)])[0]
            #expect(try row.decodeJSON("doc", as: Payload.self) == payload)
            #expect(try row.decode("doc", as: PQJSON<Payload>.self).value == payload)
            #expect(try row.decodeJSON("missing", as: Payload?.self) == nil)
            #expect(try row.decode("missing", as: PQJSON<Payload>?.self) == nil)
            let data = try row.decode("doc", as: Data.self)
            #expect(try JSONDecoder().decode(Payload.self, from: data) == payload)

            let fromText = try connection.value("select $1::\(type)", ["{\"name\":\"x\",\"count\":1,\"tags\":[]}"],
                                                as: PQJSON<Payload>.self)
            #expect(fromText.value == Payload(name: "x", count: 1, tags: []))

            let error = try #require(throws: PQError.self) { try row.decodeJSON("doc", as: [Int].self) }
            #expect(error.kind == .decoding)
            #expect(error.column == "doc")
            #expect(error.underlying is DecodingError)
            #expect(throws: PQError.self) { try row.decodeJSON("missing", as: Payload.self) }
        }
    }

    static let hostileElements = ["a\"b", "c\\d", "", "NULL", "null", " x ", "{}", "a,b", "é🎉", "line\nbreak", "}", "{",
                                  "\\", "\"", "'", "$1", "  "]

    @Test func textArraysRoundTripHostileElements() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let elements = Self.hostileElements
            #expect(try connection.roundTrip(elements, as: "text[]", to: [String].self) == elements)
            #expect(try connection.value("select cardinality($1::text[])", [elements], as: Int.self) == elements.count)
            #expect(try connection.value("select ($1::text[])[4]", [elements], as: String.self) == "NULL")
            #expect(try connection.value("select ($1::text[])[4] is null", [elements], as: Bool.self) == false)

            let withNulls: [String?] = ["a", nil, "NULL", nil]
            #expect(try connection.roundTrip(withNulls, as: "text[]", to: [String?].self) == withNulls)
            #expect(try connection.value("select array['x', null, 'NULL', 'a b']::text[]", as: [String?].self)
                == ["x", nil, "NULL", "a b"])
            #expect(try connection.roundTrip([String](), as: "text[]", to: [String].self) == [])
            #expect(try connection.value("select '{}'::text[]", as: [String].self) == [])
            #expect(try connection.value("select '[0:1]={a,b}'::text[]", as: [String].self) == ["a", "b"])
            #expect(try connection.value("select array['a','b']::varchar[]", as: [String].self) == ["a", "b"])
            #expect(try connection.roundTrip([String]?.none, as: "text[]", to: [String]?.self) == nil)

            let error = try #require(throws: PQError.self) {
                try connection.value("select array['a', null]::text[] as tags", as: [String].self)
            }
            #expect(error.kind == .decoding)
            #expect(error.column == "tags")
            #expect(error.datatype == "_text")
            #expect(error.message.contains("element 2"))

            let twoDimensional = try #require(throws: PQError.self) {
                try connection.value("select '{{a,b},{c,d}}'::text[]", as: [String].self)
            }
            #expect(twoDimensional.kind == .decoding)
        }
    }

    @Test func integerArraysRoundTrip() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let values: [Int64] = [Int64.min, -1, 0, 1, Int64.max]
            #expect(try connection.roundTrip(values, as: "bigint[]", to: [Int64].self) == values)
            #expect(try connection.roundTrip([1, 2, 3], as: "int[]", to: [Int].self) == [1, 2, 3])
            #expect(try connection.roundTrip([Int32.min, Int32.max], as: "int4[]", to: [Int32].self) == [Int32.min, Int32.max])
            #expect(try connection.value("select '{}'::int8[]", as: [Int64].self) == [])
            #expect(try connection.value("select array[1, null]::int8[]", as: [Int64?].self) == [1, nil])
            let uuids = [UUID(), UUID()]
            #expect(try connection.roundTrip(uuids, as: "uuid[]", to: [UUID].self) == uuids)
            let dates = [CalendarDate(year: 2025, month: 1, day: 2)]
            #expect(try connection.roundTrip(dates, as: "date[]", to: [CalendarDate].self) == dates)
            let blobs = [Data([0, 1, 92]), Data()]
            #expect(try connection.roundTrip(blobs, as: "bytea[]", to: [Data].self) == blobs)
        }
    }

    @Test func nullIntoANonOptionalNamesColumnAndType() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let row = try connection.query("select null::int8 as due_count")[0]
            let error = try #require(throws: PQError.self) { try row.decode("due_count", as: Int64.self) }
            #expect(error.kind == .decoding)
            #expect(error.column == "due_count")
            #expect(error.datatype == "int8")
            #expect(error.message.contains("NULL"))
            #expect(error.description.contains("due_count"))
            #expect(error.description.contains("int8"))
            #expect(try row.decode("due_count", as: Int64?.self) == nil)
            #expect(try row.isNull("due_count"))
        }
    }

    @Test func aValueOfTheWrongTypeNamesColumnAndType() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let row = try connection.query("select 'secret-abc'::text as code, 5000000000::int8 as big, 1::int4 as one")[0]

            let notAnInteger = try #require(throws: PQError.self) { try row.decode("code", as: Int.self) }
            #expect(notAnInteger.kind == .decoding)
            #expect(notAnInteger.column == "code")
            #expect(notAnInteger.datatype == "text")
            #expect(!notAnInteger.description.contains("secret-abc"))

            let outOfRange = try #require(throws: PQError.self) { try row.decode("big", as: Int32.self) }
            #expect(outOfRange.column == "big")
            #expect(outOfRange.datatype == "int8")
            #expect(outOfRange.message.contains("out of range"))
            #expect(outOfRange.debugDescription.contains("5000000000"))

            let notABool = try #require(throws: PQError.self) { try row.decode(2, as: Bool.self) }
            #expect(notABool.column == "one")
            #expect(notABool.datatype == "int4")

            #expect(try row.decode("one", as: String.self) == "1")
            let noColumn = try #require(throws: PQError.self) { try row.decode("missing", as: String.self) }
            #expect(noColumn.kind == .usage)
        }
    }

    @Test func resultsDescribeThemselves() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("create table items (id int8 primary key, name text)")
            let inserted = try connection.query("insert into items values (1, 'a'), (2, 'b'), (3, null)")
            #expect(inserted.affectedRows == 3)
            #expect(inserted.commandTag == "INSERT 0 3")
            #expect(try connection.execute("update items set name = $1 where id > $2", ["z", 1]) == 2)

            let result = try connection.query("select id, name from items order by id")
            #expect(result.rowCount == 3)
            #expect(result.count == 3)
            #expect(result.columnNames == ["id", "name"])
            #expect(result.columnTypes == [.int8, .text])
            #expect(try result.map { try $0.decode("id", as: Int64.self) } == [1, 2, 3])
            #expect(try result.map { try $0.decode("name", as: String?.self) } == ["a", "z", "z"])
            #expect(try connection.query("select 1 where false").isEmpty)
        }
    }
}
