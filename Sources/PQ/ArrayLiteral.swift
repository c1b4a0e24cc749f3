/// PostgreSQL's array literal text, one-dimensional: `{a,"b c","d\"e",NULL}`.
enum ArrayLiteral {
    /// Splits the server's array output into element texts, nil for NULL elements.
    ///
    /// Handles quoted elements with backslash escapes, unquoted elements (trimmed, `NULL` in any case is NULL),
    /// `{}` and a dimension decoration such as `[0:2]={…}`.
    /// - Throws: `.decoding` for malformed text and for arrays of more than one dimension.
    static func decode(_ text: String) throws -> [String?] {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "[" {
            guard let equals = scalars.firstIndex(of: "=") else { throw invalid(text) }
            scalars = scalars[scalars.index(after: equals)...]
        }
        guard scalars.first == "{", scalars.last == "}" else { throw invalid(text) }
        let body = scalars.dropFirst().dropLast()
        if body.allSatisfy({ $0 == " " }) { return [] }

        var elements: [String?] = []
        var iterator = body.makeIterator()
        var next = iterator.next()
        while true {
            while next == " " { next = iterator.next() }
            var element = String.UnicodeScalarView()
            if next == "{" {
                throw PQError.decoding("only one-dimensional arrays can be decoded", value: text)
            } else if next == "\"" {
                next = iterator.next()
                while let scalar = next, scalar != "\"" {
                    if scalar == "\\" {
                        guard let escaped = iterator.next() else { throw invalid(text) }
                        element.append(escaped)
                    } else {
                        element.append(scalar)
                    }
                    next = iterator.next()
                }
                guard next == "\"" else { throw invalid(text) }
                next = iterator.next()
                while next == " " { next = iterator.next() }
                elements.append(String(element))
            } else {
                var trailingSpaces = 0
                var sawEscape = false
                while let scalar = next, scalar != ",", scalar != "}" {
                    if scalar == "\\" {
                        guard let escaped = iterator.next() else { throw invalid(text) }
                        element.append(escaped)
                        sawEscape = true
                        trailingSpaces = 0
                    } else {
                        element.append(scalar)
                        trailingSpaces = scalar == " " ? trailingSpaces + 1 : 0
                    }
                    next = iterator.next()
                }
                let value = String(String(element).unicodeScalars.dropLast(trailingSpaces))
                guard !value.isEmpty || sawEscape else { throw invalid(text) }
                elements.append(!sawEscape && value.lowercased() == "null" ? nil : value)
            }
            if next == nil { return elements }
            guard next == "," else { throw invalid(text) }
            next = iterator.next()
        }
    }

    /// The array literal of `elements`, each quoted with `"` and `\` escaped so that any text (commas, braces,
    /// quotes, backslashes, blanks, the word NULL, the empty string) survives; nil elements become unquoted NULL.
    static func encode(_ elements: [String?]) -> String {
        var text = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            guard let element else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }

    private static func invalid(_ text: String) -> PQError {
        PQError.decoding("not a valid one-dimensional array literal", value: text)
    }
}
