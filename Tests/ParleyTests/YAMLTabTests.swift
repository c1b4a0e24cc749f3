import Parley
import Testing

/// A YAML document indented with a tab is refused in those words, with the line; tabs YAML allows are not blamed.
@Suite struct YAMLTabTests {
    static func refusal(_ yaml: String) -> DocumentError? {
        do {
            _ = try DocumentFormat.yaml.read(yaml)
            return nil
        } catch {
            return error as? DocumentError
        }
    }

    @Test func aTabUsedForIndentationIsNamedWithItsLine() {
        for (yaml, line) in [
            ("parties:\n  - code: UA\n\tname: Ukraine\n", 3),
            ("parties:\n\t- code: UA\n", 2),
            ("parties:\n  - code: UA\n  \t name: Ukraine\n", 3),
            ("parties:\r\n  - code: UA\r\n    name: Ukraine\r\n\tkind: state\r\n", 4),
        ] {
            let error = Self.refusal(yaml)
            #expect(error?.line == line, "\(yaml.debugDescription)")
            #expect(error?.message == "a tab is used for indentation; YAML indents with spaces only: replace the tab with spaces")
        }
    }

    @Test func tabsYAMLAllowsAndOtherMistakesAreNotBlamedOnTabs() throws {
        // After the colon, and inside a quoted text, a tab is fine.
        let read = try DocumentFormat.yaml.read("parties:\n  - code:\tUA\n    name: \"Tab\there\"\n")
        #expect(read["parties"]?.elements.first?["code"]?.string == "UA")
        // A mistake on a line indented with spaces keeps the parser's words.
        let unclosed = Self.refusal("parties:\n  - code: UA\n    name: [unclosed\n\tnote: x\n")
        #expect(unclosed != nil)
        let other = Self.refusal("parties:\n  - code: UA\n    name: [Ukraine\n  - code: RU\n")
        #expect(other?.message.contains("tab") == false, "\(String(describing: other))")
    }
}
