import Foundation
import PQ
import Testing

@Suite struct ParameterTests {
    static let hostileTexts: [String] = [
        "O'Reilly",
        "''",
        "back\\slash \\\\ and \\x41",
        "$1 and $2 in text",
        "'; drop table notes; --",
        "\"; drop table notes; --",
        "emoji 🎉 and a family 👩‍👩‍👧 and Ω",
        "line one\nline two\r\nline three\n",
        "\ttabs\tand trailing spaces   ",
        "",
        "NULL",
        "{\"a\",b}",
        "E'\\047'",
        "$$ dollar $$ quoted $tag$",
    ]

    @Test(arguments: hostileTexts)
    func hostileTextRoundTripsUnchanged(text: String) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            #expect(try connection.roundTrip(text, as: "text", to: String.self) == text)

            try connection.execute("create table notes (id serial primary key, body text not null)")
            let id = try connection.value("insert into notes (body) values ($1) returning id", [text], as: Int.self)
            #expect(try connection.value("select body from notes where id = $1", [id], as: String.self) == text)
            #expect(try connection.value("select count(*) from notes", as: Int.self) == 1)
        }
    }

    @Test func aMegabyteOfTextRoundTrips() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let unit = "ab'c\\d\"e$1\n🎉"
            let text = String(repeating: unit, count: 1_048_576 / unit.utf8.count + 1)
            #expect(text.utf8.count > 1_048_576)
            #expect(try connection.roundTrip(text, as: "text", to: String.self) == text)
            #expect(try connection.value("select length($1)", [text], as: Int.self) == text.unicodeScalars.count)
        }
    }

    @Test func textWithNULIsRefusedBeforeReachingTheServer() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let error = try #require(throws: PQError.self) { try connection.query("select $1::text", ["a\0b"]) }
            #expect(error.kind == .usage)
            #expect(!error.description.contains("a\0b"))
            #expect(try connection.value("select 1", as: Int.self) == 1)
        }
    }

    @Test func substringAndOptionalParameters() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let text = "prefix-value"
            #expect(try connection.roundTrip(text.dropFirst(7), as: "text", to: String.self) == "value")
            let missing: String? = nil
            #expect(try connection.value("select $1::text is null", [missing], as: Bool.self))
            let present: Int64? = 7
            #expect(try connection.roundTrip(present, as: "int8", to: Int64?.self) == 7)
        }
    }

    @Test func manyParametersBindInOrder() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let row = try connection.query(
                "select $1::text as a, $2::int8 as b, $3::bool as c, $4::text as d", ["x", Int64(2), true, "$1"])[0]
            #expect(try row.decode("a", as: String.self) == "x")
            #expect(try row.decode("b", as: Int64.self) == 2)
            #expect(try row.decode("c", as: Bool.self))
            #expect(try row.decode("d", as: String.self) == "$1")
        }
    }
}
