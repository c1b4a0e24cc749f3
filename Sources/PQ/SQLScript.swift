/// Finds lines in an SQL script for error messages.
enum SQLScript {
    /// The 1-based line of the 1-based `character` (Unicode scalar, as PostgreSQL counts in UTF-8) of `sql`.
    static func line(ofCharacter character: Int, in sql: String) -> Int {
        var line = 1
        for scalar in sql.unicodeScalars.prefix(max(character - 1, 0)) where scalar == "\n" {
            line += 1
        }
        return line
    }

    /// The 1-based line where each statement of `sql` begins (its first token), in order; empty statements
    /// (blanks and comments between semicolons), which the server skips, are left out.
    ///
    /// Splits at semicolons as psql does: not inside quotes ('…', E'…', "…", $tag$…$tag$), comments (-- and nested
    /// /* */), parentheses, or the BEGIN … END body of CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC.
    static func statementStartLines(_ sql: String) -> [Int] {
        let scalars = Array(sql.unicodeScalars)
        var starts: [Int] = []
        var line = 1
        var index = 0
        var statementLine: Int?
        var parenDepth = 0
        var beginDepth = 0
        var words: [String] = []

        func advance() {
            if scalars[index] == "\n" { line += 1 }
            index += 1
        }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }
        func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar.properties.isAlphabetic || scalar.value >= 0x80
        }
        func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
            isIdentifierStart(scalar) || ("0"..."9").contains(scalar) || scalar == "$"
        }
        func skipQuoted(_ quote: Unicode.Scalar, backslashEscapes: Bool) {
            advance()
            while let scalar = peek() {
                if backslashEscapes, scalar == "\\" {
                    advance()
                    if peek() != nil { advance() }
                    continue
                }
                advance()
                if scalar == quote {
                    if peek() == quote { advance() } else { return }
                }
            }
        }
        /// A dollar-quote opening tag at `index` (`$$` or `$tag$`), or nil.
        func dollarTag() -> [Unicode.Scalar]? {
            guard peek() == "$" else { return nil }
            var end = index + 1
            while end < scalars.count, scalars[end] != "$" {
                guard isIdentifierPart(scalars[end]), scalars[end] != "$",
                      end > index + 1 || !("0"..."9").contains(scalars[end]) else { return nil }
                end += 1
            }
            guard end < scalars.count else { return nil }
            return Array(scalars[index...end])
        }
        /// Whether the words so far start with CREATE [OR REPLACE] FUNCTION|PROCEDURE.
        func isRoutineDefinition() -> Bool {
            let lower = words.prefix(4).map { $0.lowercased() }
            guard lower.first == "create" else { return false }
            let rest = lower.count > 2 && lower[1] == "or" && lower[2] == "replace" ? Array(lower.dropFirst(3))
                : Array(lower.dropFirst())
            return rest.first == "function" || rest.first == "procedure"
        }

        while let scalar = peek() {
            if scalar == "-", peek(1) == "-" {
                while let next = peek(), next != "\n" { advance() }
                continue
            }
            if scalar == "/", peek(1) == "*" {
                var depth = 0
                repeat {
                    if peek() == "/", peek(1) == "*" {
                        depth += 1
                        advance()
                    } else if peek() == "*", peek(1) == "/" {
                        depth -= 1
                        advance()
                    }
                    advance()
                } while depth > 0 && peek() != nil
                continue
            }
            if scalar.properties.isWhitespace {
                advance()
                continue
            }
            if scalar == ";", parenDepth == 0, beginDepth == 0 {
                if let statementLine { starts.append(statementLine) }
                statementLine = nil
                words = []
                advance()
                continue
            }
            if statementLine == nil { statementLine = line }
            if scalar == "'" {
                skipQuoted("'", backslashEscapes: false)
            } else if scalar == "\"" {
                skipQuoted("\"", backslashEscapes: false)
            } else if let tag = dollarTag() {
                index += tag.count
                while peek() != nil, !scalars[index...].starts(with: tag) { advance() }
                index = min(index + tag.count, scalars.count)
            } else if isIdentifierStart(scalar) {
                let start = index
                while let next = peek(), isIdentifierPart(next) { advance() }
                let word = String(String.UnicodeScalarView(scalars[start..<index]))
                if (word == "E" || word == "e"), peek() == "'" {
                    skipQuoted("'", backslashEscapes: true)
                    continue
                }
                words.append(word)
                if isRoutineDefinition() {
                    switch word.lowercased() {
                    case "begin": beginDepth += 1
                    case "case": if beginDepth > 0 { beginDepth += 1 }
                    case "end": if beginDepth > 0 { beginDepth -= 1 }
                    default: break
                    }
                }
            } else {
                if scalar == "(" { parenDepth += 1 }
                if scalar == ")" { parenDepth = max(parenDepth - 1, 0) }
                advance()
            }
        }
        if let statementLine { starts.append(statementLine) }
        return starts
    }
}
