/// The text rules of iCalendar (RFC 5545): escaping TEXT values, quoting parameter values, and folding content lines
/// at 75 octets with CRLF line ends.
public enum ICalendarText {
    /// A TEXT value (§3.3.11): `\` `;` `,` escaped with a backslash, every line break (CRLF, CR, LF, and the Unicode
    /// line separators) as `\n`, and the other control characters, which TEXT cannot hold, left out. The result holds
    /// no line break, so no property can be smuggled in through a value.
    public static func escape(_ text: String) -> String {
        // Built in a scalar view of its own: appending to a String's own view copies the string each time.
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case ";": out.append(contentsOf: "\\;".unicodeScalars)
            case ",": out.append(contentsOf: "\\,".unicodeScalars)
            case "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": out.append(contentsOf: "\\n".unicodeScalars)
            case "\n": if !previousWasCR { out.append(contentsOf: "\\n".unicodeScalars) }
            case "\t": out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A parameter value (§3.2): in double quotes when it holds `:`, `;` or `,`; double quotes and control
    /// characters, which a parameter value cannot hold, left out.
    public static func parameterValue(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0 != "\"" && $0.value >= 0x20 && $0.value != 0x7F
        }))
        return clean.contains(where: { $0 == ":" || $0 == ";" || $0 == "," }) ? "\"" + clean + "\"" : clean
    }

    /// One content line, `NAME;PARAM=value:value`, folded (§3.1): no line longer than 75 octets, continuation lines
    /// starting with a space, never splitting a UTF-8 sequence; ends with CRLF.
    ///
    /// - Parameter value: already in the form of its type (use `escape(_:)` for TEXT).
    public static func line(_ name: String, _ value: String) -> String {
        line(name, [], value)
    }

    /// One content line with parameters, e.g. `DTSTART;TZID=Europe/Istanbul:20250516T123000`, folded, with CRLF.
    public static func line(_ name: String, _ parameters: [(String, String)], _ value: String) -> String {
        var text = name
        for (parameter, parameterValue) in parameters {
            text += ";" + parameter + "=" + Self.parameterValue(parameterValue)
        }
        return fold(text + ":" + value)
    }

    /// `line` folded at 75 octets, with CRLF line ends. Lines break between characters (grapheme clusters), so that
    /// a letter and its accents stay together; a cluster too long for a line of its own is broken between its
    /// scalars, never inside one's UTF-8 sequence.
    public static func fold(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        var octets = 0
        for character in line {
            let size = character.utf8.count
            if octets + size > 75 && size <= 74 {
                out.append(contentsOf: "\r\n ".unicodeScalars)
                octets = 1
            }
            for scalar in character.unicodeScalars {
                let width = UTF8.width(scalar)
                if octets + width > 75 {
                    out.append(contentsOf: "\r\n ".unicodeScalars)
                    octets = 1
                }
                out.append(scalar)
                octets += width
            }
        }
        return String(out) + "\r\n"
    }
}
