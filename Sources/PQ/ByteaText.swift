import Foundation

/// PostgreSQL's `bytea` text forms: hex (`\x0102ff`, the default output and what PQ sends) and the older escape
/// form (`\001\\abc`, with `bytea_output = 'escape'`).
enum ByteaText {
    static func decode(_ text: String) throws -> Data {
        let bytes = Array(text.utf8)
        if bytes.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) {
            return try decodeHex(bytes.dropFirst(2), text)
        }
        return try decodeEscape(bytes, text)
    }

    /// `\x` followed by two lowercase hex digits per byte.
    static func encode(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0, count: 2 + data.count * 2)
        text[0] = UInt8(ascii: "\\")
        text[1] = UInt8(ascii: "x")
        for (index, byte) in data.enumerated() {
            text[2 + 2 * index] = digits[Int(byte >> 4)]
            text[3 + 2 * index] = digits[Int(byte & 0x0f)]
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func decodeHex(_ hex: ArraySlice<UInt8>, _ text: String) throws -> Data {
        func value(_ digit: UInt8) throws -> UInt8 {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
            default: throw PQError.decoding("not valid bytea hex", value: text)
            }
        }
        guard hex.count % 2 == 0 else { throw PQError.decoding("not valid bytea hex", value: text) }
        var data = Data(capacity: hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            data.append(try value(hex[index]) << 4 | value(hex[index + 1]))
            index += 2
        }
        return data
    }

    private static func decodeEscape(_ bytes: [UInt8], _ text: String) throws -> Data {
        var data = Data(capacity: bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                data.append(bytes[index])
                index += 1
                continue
            }
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\") {
                data.append(UInt8(ascii: "\\"))
                index += 2
                continue
            }
            guard index + 3 < bytes.count else {
                throw PQError.decoding("not valid bytea escape text", value: text)
            }
            let octal = bytes[(index + 1)...(index + 3)]
            guard octal.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) else {
                throw PQError.decoding("not valid bytea escape text", value: text)
            }
            let value = octal.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { throw PQError.decoding("not valid bytea escape text", value: text) }
            data.append(UInt8(value))
            index += 4
        }
        return data
    }
}
