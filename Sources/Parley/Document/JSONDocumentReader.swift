/// Reads JSON text (RFC 8259) into a `DocumentNode`, keeping the order of fields and the line of every value.
///
/// Written for import files of many megabytes: one pass over the UTF-8 bytes, no intermediate objects.
struct JSONDocumentReader {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1

    /// Parses `text`; throws `DocumentError` with the line of the first problem.
    static func read(_ text: String) throws -> DocumentNode {
        var reader = JSONDocumentReader(bytes: Array(text.utf8))
        reader.skipByteOrderMark()
        reader.skipWhitespace()
        let node = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == reader.bytes.count else {
            throw reader.error("unexpected text after the end of the document")
        }
        return node
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func error(_ message: String) -> DocumentError {
        DocumentError(line: line, message: message)
    }

    private mutating func skipByteOrderMark() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D: position += 1
            case 0x0A: position += 1; line += 1
            default: return
            }
        }
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func readValue(depth: Int) throws -> DocumentNode {
        guard depth < 200 else { throw error("the document nests deeper than 200 levels") }
        let startLine = line
        guard let byte = current else { throw error("the document ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"): return DocumentNode(.mapping(try readMapping(depth: depth)), line: startLine)
        case UInt8(ascii: "["): return DocumentNode(.list(try readList(depth: depth)), line: startLine)
        case UInt8(ascii: "\""): return DocumentNode(.string(try readString()), line: startLine)
        case UInt8(ascii: "t"): try expectWord("true"); return DocumentNode(.bool(true), line: startLine)
        case UInt8(ascii: "f"): try expectWord("false"); return DocumentNode(.bool(false), line: startLine)
        case UInt8(ascii: "n"): try expectWord("null"); return DocumentNode(.null, line: startLine)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return DocumentNode(.number(try readNumber()), line: startLine)
        default:
            throw error("unexpected character \(Self.show(byte)) where a value was expected")
        }
    }

    private mutating func expectWord(_ word: String) throws {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
            throw error("unexpected text where a value was expected (true, false, null, a number, a string, [ or {)")
        }
        position += utf8.count
    }

    private mutating func readMapping(depth: Int) throws -> [DocumentField] {
        position += 1
        var fields: [DocumentField] = []
        var seen = Set<String>()
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return fields }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a field name in double quotes") }
            let keyLine = line
            let key = try readString()
            guard seen.insert(key).inserted else {
                throw DocumentError(line: keyLine, message: "field \"\(key)\" is given twice in one mapping")
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after field name \"\(key)\"") }
            position += 1
            skipWhitespace()
            let value = try readValue(depth: depth + 1)
            fields.append(DocumentField(key, value, line: keyLine))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return fields
            default: throw error("expected ',' or '}' after the value of \"\(key)\"")
            }
        }
    }

    private mutating func readList(depth: Int) throws -> [DocumentNode] {
        position += 1
        var nodes: [DocumentNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return nodes }
        while true {
            skipWhitespace()
            nodes.append(try readValue(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return nodes
            default: throw error("expected ',' or ']' after a list element")
            }
        }
    }

    private mutating func readNumber() throws -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, isDigit(first) else { throw error("a number needs a digit after '-'") }
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            while let byte = current, isDigit(byte) { position += 1 }
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard let byte = current, isDigit(byte) else { throw error("a number needs a digit after '.'") }
            while let byte = current, isDigit(byte) { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let byte = current, isDigit(byte) else { throw error("a number needs a digit in its exponent") }
            while let byte = current, isDigit(byte) { position += 1 }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func readString() throws -> String {
        position += 1
        var text: [UInt8] = []
        var plainStart = position
        while true {
            guard let byte = current else { throw error("a string is not closed before the end of the document") }
            switch byte {
            case UInt8(ascii: "\""):
                text.append(contentsOf: bytes[plainStart..<position])
                position += 1
                guard let string = String(validating: text, as: UTF8.self) else {
                    throw error("a string is not valid UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                text.append(contentsOf: bytes[plainStart..<position])
                position += 1
                try readEscape(into: &text)
                plainStart = position
            case 0x00..<0x20:
                throw error(byte == 0x0A ? "a string runs past the end of the line (write a line break as \\n)"
                                         : "a string holds the control character \(Self.show(byte)); escape it")
            default:
                position += 1
            }
        }
    }

    private mutating func readEscape(into text: inout [UInt8]) throws {
        guard let byte = current else { throw error("a string is not closed before the end of the document") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): text.append(byte)
        case UInt8(ascii: "\\"): text.append(byte)
        case UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("a \\u escape holds half a surrogate pair") }
                position += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("a \\u escape holds half a surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("a \\u escape holds half a surrogate pair")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("a \\u escape is not a character") }
            text.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw error("unknown escape \\\(Self.show(byte)) in a string")
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw error("a \\u escape needs four hexadecimal digits") }
        position += 4
        return value
    }

    private static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16)
    }
}
