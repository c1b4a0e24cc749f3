import Foundation
import Testing
@testable import Parley

/// Decoders written independently of the encoders, so that the tests check the encoders against the RFCs rather
/// than against themselves.
enum MailTestDecoding {
    /// The text of a folded header field as a reader sees it: lines unfolded, `Name:` removed, RFC 2047
    /// encoded-words decoded, whitespace between adjacent encoded-words dropped.
    static func decodeField(_ lines: [String]) -> String {
        let unfolded = lines.joined()
        guard let colon = unfolded.firstIndex(of: ":") else { return unfolded }
        var body = String(unfolded[unfolded.index(after: colon)...])
        if body.hasPrefix(" ") { body.removeFirst() }
        var result = ""
        var pendingBytes: [UInt8] = []
        var previousWasEncoded = false
        var pendingSpace = false
        for token in body.split(separator: " ", omittingEmptySubsequences: false) {
            if let bytes = decodeEncodedWord(String(token)) {
                if !previousWasEncoded && pendingSpace { result += " " }
                pendingBytes += bytes
                previousWasEncoded = true
            } else {
                if !pendingBytes.isEmpty {
                    result += String(decoding: pendingBytes, as: UTF8.self)
                    pendingBytes = []
                }
                if pendingSpace { result += " " }
                result += token
                previousWasEncoded = false
            }
            pendingSpace = true
        }
        if !pendingBytes.isEmpty { result += String(decoding: pendingBytes, as: UTF8.self) }
        return result
    }

    /// The bytes of `=?charset?Q|B?text?=`, or nil when `token` is not an encoded-word.
    static func decodeEncodedWord(_ token: String) -> [UInt8]? {
        guard token.hasPrefix("=?"), token.hasSuffix("?="), token.count >= 8 else { return nil }
        let inner = token.dropFirst(2).dropLast(2)
        let parts = inner.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        switch parts[1].uppercased() {
        case "B":
            return Data(base64Encoded: String(parts[2])).map { [UInt8]($0) }
        case "Q":
            var bytes: [UInt8] = []
            let text = Array(parts[2].utf8)
            var index = 0
            while index < text.count {
                if text[index] == UInt8(ascii: "_") {
                    bytes.append(0x20)
                    index += 1
                } else if text[index] == UInt8(ascii: "="), index + 2 < text.count,
                          let value = UInt8(String(decoding: text[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    index += 3
                } else {
                    bytes.append(text[index])
                    index += 1
                }
            }
            return bytes
        default:
            return nil
        }
    }

    /// Quoted-printable decoding (RFC 2045 §6.7): soft breaks removed, escapes resolved, hard breaks as `\n`.
    static func decodeQuotedPrintable(_ encoded: String) -> [UInt8] {
        var out: [UInt8] = []
        let lines = encoded.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            var bytes = Array(line.utf8)
            let soft = bytes.last == UInt8(ascii: "=")
            if soft { bytes.removeLast() }
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
                   let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    out.append(value)
                    index += 3
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            if !soft && number < lines.count - 1 { out.append(UInt8(ascii: "\n")) }
        }
        return out
    }

    /// A rendered message split into its header lines and its (still encoded) body.
    static func split(_ message: Data) -> (headerLines: [String], body: String) {
        let text = String(decoding: message, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0].components(separatedBy: "\r\n"), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The parts of a multipart body (RFC 2046 §5.1.1), each as its header lines and its (still encoded) content;
    /// nested multiparts are opened too. `boundary` comes from the Content-Type field of the message.
    static func parts(_ body: String, boundary: String) -> [(headerLines: [String], content: String)] {
        var parts: [(headerLines: [String], content: String)] = []
        let delimiter = "\r\n--" + boundary
        // The body starts with a preamble; CRLF before a delimiter belongs to the delimiter.
        let pieces = ("\r\n" + body).components(separatedBy: delimiter).dropFirst()
        for piece in pieces {
            if piece.hasPrefix("--") { break }
            // The rest of the delimiter's line (CRLF; Swift counts it as one character) goes.
            guard let lineEnd = piece.range(of: "\r\n") else { continue }
            let text = String(piece[lineEnd.upperBound...])
            let split = text.components(separatedBy: "\r\n\r\n")
            let headerLines = split[0].components(separatedBy: "\r\n")
            let content = split.dropFirst().joined(separator: "\r\n\r\n")
            if let nested = headerLines.first(where: { $0.hasPrefix("Content-Type: multipart/") }),
               let range = nested.range(of: "boundary=\"") {
                let inner = String(nested[range.upperBound...].prefix { $0 != "\"" })
                parts += Self.parts(content, boundary: inner)
            } else {
                parts.append((headerLines, content))
            }
        }
        return parts
    }

    /// The decoded text of the first part of type `type` (e.g. `text/plain`) in a rendered message.
    static func decodedPart(_ message: Data, type: String) -> String? {
        let (headerLines, body) = split(message)
        let unfolded = headerLines.joined(separator: "\n").replacingOccurrences(of: "\n ", with: " ")
        guard let range = unfolded.range(of: "boundary=\"") else { return nil }
        let boundary = String(unfolded[range.upperBound...].prefix { $0 != "\"" })
        guard let part = parts(body, boundary: boundary).first(where: { $0.headerLines.contains { $0.hasPrefix("Content-Type: " + type) } })
        else { return nil }
        return String(decoding: decodeQuotedPrintable(part.content), as: UTF8.self)
    }

    /// The names of the header fields, in order (continuation lines belong to the field above).
    static func fieldNames(_ headerLines: [String]) -> [String] {
        headerLines.filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }.map { line in
            String(line.prefix { $0 != ":" })
        }
    }
}

/// The test decoders themselves, on the examples of RFC 2047 §8 and RFC 2045: a decoder that is wrong would let a
/// wrong encoder pass.
@Suite struct MailDecodingTests {
    @Test func decodesTheExamplesOfRFC2047() {
        #expect(MailTestDecoding.decodeField(["Subject: =?utf-8?Q?a?="]) == "a")
        #expect(MailTestDecoding.decodeField(["Subject: =?utf-8?Q?a?= b"]) == "a b")
        #expect(MailTestDecoding.decodeField(["Subject: =?utf-8?Q?a?= =?utf-8?Q?b?="]) == "ab")
        #expect(MailTestDecoding.decodeField(["Subject: =?utf-8?Q?a?=", " =?utf-8?Q?b?="]) == "ab")
        #expect(MailTestDecoding.decodeField(["Subject: =?utf-8?Q?a_b?="]) == "a b")
        #expect(MailTestDecoding.decodeField(["Subject: =?utf-8?B?VMO8cmtpeWU=?="]) == "Türkiye")
        #expect(MailTestDecoding.decodeField(["Subject: x =?utf-8?Q?=C3=87?= y"]) == "x Ç y")
    }

    @Test func decodesQuotedPrintable() {
        #expect(MailTestDecoding.decodeQuotedPrintable("T=C3=BCrkiye=\r\n is=20\r\nhere") == Array("Türkiye is \nhere".utf8))
    }
}
