import Foundation
import Parley
import PropertyBased
import Testing

/// Reading and writing import documents, without a database: YAML and JSON mean the same, lines are kept for
/// errors, and what is written reads back as it was.
@Suite struct ImportDocumentTests {
    @Test func yamlAndJSONGiveTheSameDocument() throws {
        let yaml = """
            parley: 1
            commitments:
              - code: "2025"
                text: yes
                made_on: 2025-05-16
                target_quantity: +1000
                beneficiaries: [UA, RU]
                reopen: false
                note: ~
                share: .5
            """
        let json = """
            {"parley": 1, "commitments": [{"code": "2025", "text": "yes", "made_on": "2025-05-16",
              "target_quantity": 1000, "beneficiaries": ["UA", "RU"], "reopen": false, "note": null, "share": 0.5}]}
            """
        let fromYAML = try DocumentFormat.yaml.read(yaml)
        let fromJSON = try DocumentFormat.json.read(json)
        #expect(fromYAML.compactJSON == fromJSON.compactJSON)
        #expect(fromYAML["commitments"]?.elements.first?["text"]?.string == "yes")
    }

    @Test func linesPointAtTheRecordAndField() throws {
        let yaml = """
            parties:
              - code: UA
                name: Ukraine
            commitments:
              - code: a
                due_on: 2025-05-01
              - code: b
                updates:
                  - reported_on: 2025-05-23
                    delivered: 390
            """
        let document = try DocumentFormat.yaml.read(yaml)
        #expect(document.line(at: "commitments[0].due_on") == 6)
        #expect(document.line(at: "commitments[1].updates[0].delivered") == 10)
        #expect(document.line(at: "commitments[1].text") == 7)
        #expect(document.line(at: "parties[0]") == 2)
        let json = "{\n  \"commitments\": [\n    {\"code\": \"a\",\n     \"due_on\": \"2025-05-01\"}\n  ]\n}"
        #expect(try DocumentFormat.json.read(json).line(at: "commitments[0].due_on") == 4)
    }

    @Test func badTextIsRefusedWithItsLine() throws {
        let yaml = "parties:\n  - code: UA\n    name: [unclosed\n"
        #expect {
            try DocumentFormat.yaml.read(yaml)
        } throws: { error in
            (error as? DocumentError)?.line == 4 || (error as? DocumentError)?.line == 3
        }
        let json = "{\"parties\": [\n{\"code\": \"UA\",\n\"name\": \"Ukraine\"\n]}"
        #expect {
            try DocumentFormat.json.read(json)
        } throws: { error in
            (error as? DocumentError)?.line == 4
        }
        #expect(throws: DocumentError.self) { try DocumentFormat.yaml.read("a: 1\na: 2\n") }
    }

    @Test func formatsAreToldByNameOrLook() {
        #expect(DocumentFormat(fileName: "world.YML") == .yaml)
        #expect(DocumentFormat(fileName: "world.json") == .json)
        #expect(DocumentFormat(fileName: "world.txt") == nil)
        #expect(DocumentFormat(sniffing: "  \n{\"parley\": 1}") == .json)
        #expect(DocumentFormat(sniffing: "# comment\nparley: 1") == .yaml)
    }

    @Test func writtenYAMLQuotesTextThatWouldReadAsSomethingElse() throws {
        let document = DocumentNode(.mapping([
            DocumentField("code", DocumentNode(.string("2025"))),
            DocumentField("answer", DocumentNode(.string("no"))),
            DocumentField("empty", DocumentNode(.string(""))),
            DocumentField("date", DocumentNode(.string("2025-05-16"))),
            DocumentField("count", DocumentNode(.number("6057"))),
            DocumentField("text", DocumentNode(.string("Çırağan: round 2 # not a comment"))),
            DocumentField("lines", DocumentNode(.string("one\ntwo"))),
        ]))
        let yaml = try document.yaml()
        #expect(yaml.contains("code: \"2025\""))
        #expect(yaml.contains("answer: \"no\""))
        #expect(yaml.contains("date: 2025-05-16"))
        #expect(yaml.contains("count: 6057"))
        #expect(yaml.contains("Çırağan"))
        #expect(try DocumentFormat.yaml.read(yaml).compactJSON == document.compactJSON)
    }

    /// Any text, in any field, survives writing as YAML or JSON and reading back.
    @Test func anyTextRoundTripsThroughBothFormats() async {
        let characters = Gen.oneOf(
            Gen.ascii, Gen.ascii, Gen.character(in: "\u{0400}"..."\u{04FF}"), Gen.character(in: "\u{1F300}"..."\u{1F64F}"),
            Gen<Character?>.element(of: [":", "#", "-", " ", "'", "\"", "\\", "\n", "\t", "\r\n", "&", "*", "!", "%"] as [Character])
                .map { $0! })
        await propertyCheck(count: 200, input: characters.string(of: 0...60)) { text in
            // YAML cannot carry most control characters; Parley's readers refuse them in names anyway.
            let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter {
                $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\t"
            }))
            let document = DocumentNode(.mapping([DocumentField("text", DocumentNode(.string(clean)))]))
            for format in DocumentFormat.allCases {
                do {
                    let back = try format.read(try format.write(document))
                    #expect(back["text"]?.string == clean, "\(format): \(clean.debugDescription)")
                } catch {
                    Issue.record("\(format) failed for \(clean.debugDescription): \(error)")
                }
            }
        }
    }
}
