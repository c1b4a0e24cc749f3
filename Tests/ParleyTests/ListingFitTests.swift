import Testing
@testable import Parley

/// A table fitted to a terminal's width: what is cut, what never is, and the record layout when nothing else fits.
@Suite struct ListingFitTests {
    static let commitments = Listing(
        columns: ["code", "text", "due_on", "delivered", "owner"],
        kinds: [.text, .text, .moment, .number, .text],
        rows: [
            ["ist-r2-bodies-ru", "Hand over the bodies of 6,000 fallen soldiers in stages, with the ICRC", "2025-06-02", "1212",
             "Ukraine Desk Officer"],
            ["ist-r3-swap-ru", "Exchange 1,200 prisoners", "2025-07-23", "0", nil],
        ])

    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n")
    }

    static func width(_ line: Substring) -> Int {
        DisplayWidth.of(String(line))
    }

    @Test func aTableThatFitsIsLeftWhole() {
        let whole = Self.commitments.rendered(as: .table)
        #expect(Self.commitments.rendered(as: .table, width: 200) == whole)
        #expect(whole.contains("Hand over the bodies of 6,000 fallen soldiers in stages, with the ICRC"))
    }

    @Test func longTextGivesWayAndCodesNumbersAndDatesStayWhole() {
        let table = Self.commitments.rendered(as: .table, width: 90)
        #expect(Self.lines(table).allSatisfy { Self.width($0) <= 90 }, "\(table)")
        #expect(Self.lines(table).contains { Self.width($0) == 90 }, "the spare width goes to the cut text:\n\(table)")
        #expect(table.contains("Hand over the bodies of 6,…"))
        #expect(table.contains("…"))
        for whole in ["ist-r2-bodies-ru", "2025-06-02", "1212", "2025-07-23", "Exchange 1,200 prisoners", "Ukraine Desk Officer",
                      "code", "delivered"] {
            #expect(table.contains(whole), "\(whole) was cut:\n\(table)")
        }
        #expect(table.hasSuffix("(2 rows)\n"))
    }

    @Test func whenColumnsCannotStandSideBySideEachRecordIsABlock() {
        let records = Self.commitments.rendered(as: .table, width: 40)
        #expect(Self.lines(records).allSatisfy { Self.width($0) <= 40 }, "\(records)")
        #expect(records.hasPrefix("-[ RECORD 1 ]"))
        #expect(records.contains("\ncode      | ist-r2-bodies-ru\n"))
        #expect(records.contains("\ndelivered | 1212\n"))
        #expect(records.contains("\nowner     |\n"))
        #expect(records.contains("\n-[ RECORD 2 ]"))
        #expect(records.contains("text      | Hand over the bodies of 6,0…"))
        #expect(records.hasSuffix("(2 rows)\n"))
        // However narrow the terminal, no line is wider.
        let tiny = Self.commitments.rendered(as: .table, width: 12)
        #expect(Self.lines(tiny).allSatisfy { Self.width($0) <= 12 }, "\(tiny)")
    }

    @Test func wideCharactersTakeTwoColumns() {
        #expect(DisplayWidth.of("停火协议") == 8)
        #expect(DisplayWidth.cut("停火协议停火协议", to: 7) == "停火协…")
        #expect(DisplayWidth.cut("Çırağan Palace", to: 8) == "Çırağan…")
        #expect(DisplayWidth.cut("short", to: 8) == "short")
        let listing = Listing(columns: ["code", "title"], kinds: [.text, .text],
                              rows: [["cn-1", String(repeating: "停火协议", count: 20)]])
        let table = listing.rendered(as: .table, width: 30)
        #expect(Self.lines(table).allSatisfy { Self.width($0) <= 30 }, "\(table)")
    }

    @Test func csvAndJSONAreNeverCut() {
        #expect(Self.commitments.rendered(as: .csv, width: 20).contains("with the ICRC"))
        #expect(Self.commitments.rendered(as: .json, width: 20).contains("with the ICRC"))
        // A date is text in JSON.
        #expect(Self.commitments.rendered(as: .json).contains("\"due_on\": \"2025-06-02\""))
    }
}
