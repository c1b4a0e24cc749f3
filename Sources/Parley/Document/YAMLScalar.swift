/// How plain YAML scalars are read and written by Parley's documents.
enum YAMLScalar {
    /// `text` as a JSON number literal when it is a decimal number (`1000`, `-3`, `+12.50`, `.5`, `1e3`), else nil.
    /// Leading zeros and `+` are dropped, `.5` becomes `0.5`: JSON's form, with the same value.
    static func number(_ text: String) -> String? {
        var scalars = Substring(text)
        var sign = ""
        if let first = scalars.first, first == "-" || first == "+" {
            if first == "-" { sign = "-" }
            scalars = scalars.dropFirst()
        }
        var integer = Substring(scalars.prefix { $0.isASCII && $0.isNumber })
        scalars = scalars.dropFirst(integer.count)
        var fraction = Substring("")
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            fraction = scalars.prefix { $0.isASCII && $0.isNumber }
            scalars = scalars.dropFirst(fraction.count)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        var exponent = ""
        if let first = scalars.first, first == "e" || first == "E" {
            scalars = scalars.dropFirst()
            var expSign = ""
            if let signChar = scalars.first, signChar == "-" || signChar == "+" {
                if signChar == "-" { expSign = "-" }
                scalars = scalars.dropFirst()
            }
            let digits = scalars.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            scalars = scalars.dropFirst(digits.count)
            exponent = "e" + expSign + digits
        }
        guard scalars.isEmpty else { return nil }
        while integer.count > 1, integer.first == "0" { integer = integer.dropFirst() }
        if integer.isEmpty { integer = "0" }
        return sign + integer + (fraction.isEmpty ? "" : "." + fraction) + exponent
    }

    /// Whether a string must be quoted in YAML to stay a string: it would read as something else (a number, a
    /// boolean, null) here or in YAML 1.1 tools (`yes`, `no`, `on`, `off`, `0x1F`, `1_000`, `.inf`).
    static func needsQuotes(_ text: String) -> Bool {
        if text.isEmpty || number(text) != nil { return true }
        let lowered = text.lowercased()
        if ["~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf", ".nan", "<<", "="]
            .contains(lowered) {
            return true
        }
        // Other numbers of YAML 1.1: 0x1F, 0o17, 1_000, 1:30 (sexagesimal).
        if let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." {
            let rest = text.drop { $0 == "-" || $0 == "+" }
            if !rest.isEmpty, rest.allSatisfy({ $0.isHexDigit || "xXoObB_:.".contains($0) }),
               !isDateLike(text) {
                return true
            }
        }
        return false
    }

    /// `2025-05-16` and `2025-05-16T12:30:00+03:00`: written plain, read back as text by Parley.
    private static func isDateLike(_ text: String) -> Bool {
        text.count >= 10 && text.prefix(10).enumerated().allSatisfy { offset, character in
            offset == 4 || offset == 7 ? character == "-" : character.isASCII && character.isNumber
        }
    }
}
