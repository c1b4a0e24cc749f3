import Foundation

/// The string literals of a Swift file that are SQL sent to the server, with their interpolations: a small lexer,
/// enough for the check that values are bound as parameters (`SQLBindingTests`).
///
/// A literal counts as SQL that is executed when it is
/// - the first argument of a method `.query(`, `.execute(`, `.executeScript(` or `.executeSimple(` (the values
///   that follow it are parameters),
/// - an argument labelled `sql:`, or the value given to a variable named `sql` (`let sql = "…"`, `sql += "…"`), or
/// - anywhere in the body of a declaration named `sql` (`var sql: String { … }`, `func sql(…) { … }`).
/// SQL shown to people (the psql hints in a digest, log lines) is text, not a statement, and is not checked.
struct SwiftSQLLiterals {
    struct Literal {
        let line: Int
        let text: String
        /// The expressions interpolated, each with the character just before it in the literal.
        let interpolations: [(expression: String, preceding: Character?)]
    }

    let literals: [Literal]
    /// Names of constants the file assigns from `escapeIdentifier(…)`: safe to interpolate.
    let quotedNames: Set<String>

    static let executingCalls: Set<String> = [".query", ".execute", ".executeScript", ".executeSimple"]

    init(source: String) {
        let chars = Array(source)
        var found: [Literal] = []
        var index = 0
        var line = 1
        // One entry per open parenthesis: the name called, if any, and how many of its arguments have gone by. One
        // per open brace: whether it is a `sql` body.
        var parens: [(name: String, commas: Int)] = []
        var braces: [Bool] = []
        var lastWord = ""
        var wordBeforeLast = ""
        var pendingSQLBody = false
        var assigningSQL = false

        func peek(_ offset: Int) -> Character? { index + offset < chars.count ? chars[index + offset] : nil }
        func starts(with text: String) -> Bool {
            let t = Array(text)
            guard index + t.count <= chars.count else { return false }
            return Array(chars[index..<index + t.count]) == t
        }

        while index < chars.count {
            let c = chars[index]
            if starts(with: "//") {
                while index < chars.count && chars[index] != "\n" { index += 1 }
                continue
            }
            if starts(with: "/*") {
                var depth = 0
                repeat {
                    if starts(with: "/*") { depth += 1; index += 2; continue }
                    if starts(with: "*/") { depth -= 1; index += 2; continue }
                    if chars[index] == "\n" { line += 1 }
                    index += 1
                } while depth > 0 && index < chars.count
                continue
            }
            if c == "\"" || (c == "#" && (peek(1) == "\"" || peek(1) == "#")) {
                var hashes = 0
                while peek(hashes) == "#" { hashes += 1 }
                guard peek(hashes) == "\"" else { index += 1; continue }
                index += hashes
                let multiLine = starts(with: "\"\"\"")
                index += multiLine ? 3 : 1
                let close = Array((multiLine ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes))
                let escape = "\\" + String(repeating: "#", count: hashes)
                let startLine = line
                var text = ""
                var interpolations: [(String, Character?)] = []
                while index < chars.count {
                    if starts(with: escape + "(") {
                        index += escape.count + 1
                        var depth = 1
                        var expression = ""
                        while index < chars.count {
                            let e = chars[index]
                            if e == "(" { depth += 1 }
                            if e == ")" { depth -= 1; if depth == 0 { index += 1; break } }
                            expression.append(e)
                            index += 1
                        }
                        interpolations.append((expression, text.last))
                        text.append("\u{0}")
                        continue
                    }
                    if starts(with: escape) {
                        text.append(contentsOf: String(chars[index..<min(index + escape.count + 1, chars.count)]))
                        index += escape.count + 1
                        continue
                    }
                    if index + close.count <= chars.count && Array(chars[index..<index + close.count]) == close {
                        index += close.count
                        break
                    }
                    if chars[index] == "\n" { line += 1 }
                    text.append(chars[index])
                    index += 1
                }
                let executed = parens.contains { Self.executingCalls.contains($0.name) && $0.commas == 0 }
                    || braces.contains(true) || assigningSQL || lastWord == "sql:"
                if executed {
                    found.append(Literal(line: startLine, text: text, interpolations: interpolations))
                }
                continue
            }
            if c.isLetter || c == "_" {
                // A method called on something (`connection.query(`) is told apart from a function of the same name.
                var before = index - 1
                while before >= 0 && (chars[before] == " " || chars[before] == "\n" || chars[before] == "\t") { before -= 1 }
                var word = before >= 0 && chars[before] == "." ? "." : ""
                while index < chars.count && (chars[index].isLetter || chars[index].isNumber || chars[index] == "_") {
                    word.append(chars[index])
                    index += 1
                }
                if peek(0) == ":" && peek(1) != ":" { word += ":" }
                if (word == "sql" || word == "sql:") && ["var", "let", "func"].contains(lastWord) { pendingSQLBody = true }
                wordBeforeLast = lastWord
                lastWord = word
                continue
            }
            switch c {
            case "\n":
                line += 1
            case "(":
                parens.append((lastWord, 0))
                lastWord = ""
            case ")":
                _ = parens.popLast()
                lastWord = ""
            case "{":
                braces.append(pendingSQLBody)
                pendingSQLBody = false
            case "}":
                _ = braces.popLast()
            case "=":
                // `sql = "…"` or `sql += "…"`: the literals up to the end of the statement are SQL.
                if lastWord == "sql" || (lastWord == "" && wordBeforeLast == "sql") { assigningSQL = true }
                if peek(1) == "=" { index += 1 }
                pendingSQLBody = false
            case ";":
                assigningSQL = false
            case ",":
                if !parens.isEmpty { parens[parens.count - 1].commas += 1 }
            default:
                break
            }
            if c == "\n" { pendingSQLBody = false }
            if c == "\n" && parens.isEmpty {
                // A statement ends at a line break outside parentheses unless the next line continues it with `+`.
                var next = index + 1
                while next < chars.count && (chars[next] == " " || chars[next] == "\t") { next += 1 }
                if next < chars.count && chars[next] != "+" && chars[next] != "." { assigningSQL = false }
            }
            index += 1
        }
        literals = found

        var names = Set<String>()
        let pattern = try! NSRegularExpression(
            pattern: #"\b(?:let|var)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:try[?!]?\s+)?[A-Za-z0-9_.]*escapeIdentifier\("#)
        for match in pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
            names.insert(String(source[Range(match.range(at: 1), in: source)!]))
        }
        quotedNames = names
    }

    /// The interpolations of executed SQL that are neither a `$n` placeholder's number nor an identifier quoted with
    /// `escapeIdentifier` (called in the interpolation, or a constant assigned from it).
    var unsafeInterpolations: [(line: Int, expression: String, text: String)] {
        literals.flatMap { literal in
            literal.interpolations.compactMap { interpolation in
                let expression = interpolation.expression.trimmingCharacters(in: .whitespaces)
                if interpolation.preceding == "$" { return nil }
                if expression.contains("escapeIdentifier(") { return nil }
                if quotedNames.contains(expression) { return nil }
                return (literal.line, expression, literal.text.replacingOccurrences(of: "\u{0}", with: "\\(…)"))
            }
        }
    }
}
