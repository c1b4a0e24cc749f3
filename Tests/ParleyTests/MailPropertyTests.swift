import Foundation
import PropertyBased
import Testing
@testable import Parley

/// Whatever text the data holds — CR, LF, NUL, other controls, very long words, non-ASCII, right-to-left, emoji,
/// things that look like headers or encoded-words — the message parses, says the text back, and no header can be
/// added or broken.
@Suite struct MailPropertyTests {
    /// Text built from pieces chosen by numbers, so that failures shrink to short inputs.
    static func hostileText(_ codes: [Int]) -> String {
        var text = ""
        for code in codes {
            let choice = code % 16
            let n = code / 16
            switch choice {
            case 0: text.unicodeScalars.append(Unicode.Scalar(UInt8(0x20 + n % 95)))
            case 1: text.unicodeScalars.append(Unicode.Scalar(UInt8(n % 32)))
            case 2: text += ["\r\n", "\r", "\n", "\0", "\u{7f}", "\u{85}", "\u{2028}", "\u{2029}", "\t"][n % 9]
            case 3: text += ["Ç", "ı", "ğ", "ü", "Türkiye", "Çırağan", "é", "\u{0301}"][n % 8]
            case 4: text.unicodeScalars.append(Unicode.Scalar(UInt32(0x0400 + n % 0x100))!)
            case 5: text.unicodeScalars.append(Unicode.Scalar(UInt32(0x0600 + n % 0xFF))!)
            case 6: text.unicodeScalars.append(Unicode.Scalar(UInt32(0x05D0 + n % 27))!)
            case 7: text += ["👨‍👩‍👧", "🇺🇦", "🕊️", "😀", "\u{202E}", "\u{200F}", "\u{FEFF}"][n % 7]
            case 8: text += ["=?utf-8?Q?pwned?=", "?=", "=?", "=", "_", "?"][n % 6]
            case 9: text += ["\r\nBcc: victim@evil.example", "\nSubject: pwned", "\r\n\r\nbody", "\nTo: x@y.example"][n % 4]
            case 10: text += String(repeating: ["x", "Ж", "=", " ", "😀"][n % 5], count: 20 + n % 2_000)
            case 11: text += " "
            case 12: text.unicodeScalars.append(Unicode.Scalar(UInt8(0x80 + n % 32)))
            case 13: text += "From "
            case 14: text += "."
            default: text += ["Київ", "Istanbul talks", "—", "Release 1,000 prisoners"][n % 4]
            }
        }
        return text
    }

    static let hostile = Gen.int(in: 0...1_000_000).array(of: 0...40).map(MailPropertyTests.hostileText)

    @Test func anyTextMakesAnUnstructuredFieldThatDecodesToItsSanitisedSelf() async {
        await propertyCheck(count: 300, input: Self.hostile) { text in
            let lines = HeaderEncoding.unstructuredField(name: "Subject", value: text)
            for (index, line) in lines.enumerated() {
                #expect(line.unicodeScalars.allSatisfy { (0x20...0x7e).contains($0.value) }, "line \(index): \(line)")
                #expect(line.utf8.count <= 78, "line \(index) is \(line.utf8.count) long")
                #expect(index == 0 ? line.hasPrefix("Subject:") : line.hasPrefix(" "))
            }
            #expect(MailTestDecoding.decodeField(lines) == HeaderEncoding.sanitized(text))
        }
    }

    @Test func sanitisedTextHasNoLineBreaksControlsOrStraySpaces() async {
        await propertyCheck(count: 300, input: Self.hostile) { text in
            let clean = HeaderEncoding.sanitized(text)
            #expect(!clean.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}" })
            #expect(!clean.hasPrefix(" ") && !clean.hasSuffix(" ") && !clean.contains("  "))
        }
    }

    @Test func anyNameMakesAnAddressFieldWithTheAddressIntact() async {
        await propertyCheck(count: 200, input: Self.hostile) { name in
            let lines = HeaderEncoding.addressField(
                name: "To", mailboxes: [MailAddress(displayName: name, address: "olena@mfa.example")!])
            #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy { (0x20...0x7e).contains($0.value) } })
            #expect(lines.allSatisfy { $0.utf8.count <= 78 })
            #expect(lines.last!.hasSuffix(" <olena@mfa.example>"))
            let decoded = MailTestDecoding.decodeField(lines)
            let clean = HeaderEncoding.sanitized(name)
            #expect(decoded == (clean.isEmpty ? "" : clean + " ") + "<olena@mfa.example>")
        }
    }

    @Test func anyBodyTravelsAsShortASCIILinesAndDecodesBack() async {
        await propertyCheck(count: 200, input: Self.hostile) { text in
            let encoded = QuotedPrintable.encode(text)
            for line in encoded.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 76)
                #expect(line.unicodeScalars.allSatisfy { $0 == "\t" || (0x20...0x7e).contains($0.value) })
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"))
                #expect(!line.hasPrefix("From ") && !line.hasPrefix("."))
            }
            // A lone CR in the text is encoded, not taken for a line break, so the bytes come back exactly.
            let expected = Array(text.utf8)
            #expect(MailTestDecoding.decodeQuotedPrintable(encoded) == expected)
        }
    }

    @Test func anyDataInAMessageLeavesExactlyTheHeadersParleyWrites() async {
        await propertyCheck(count: 150, input: Self.hostile, Self.hostile, Self.hostile) { subject, name, body in
            let message = MailMessage(
                from: MailAddress(displayName: name, address: "parley@mfa.example")!,
                to: [MailAddress(displayName: name, address: "desk@mfa.example")!],
                subject: subject, date: Date(timeIntervalSince1970: 1_748_338_200),
                messageID: MessageID.forDeliveries([1, 2], installation: UUID(), domain: "mfa.example"), body: body,
                extraFields: [("X-Parley-Deliveries", "1 2")])
            let rendered = message.rendered()
            let (headerLines, encodedBody) = MailTestDecoding.split(rendered)
            #expect(MailTestDecoding.fieldNames(headerLines) == [
                "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding", "Auto-Submitted", "X-Auto-Response-Suppress", "X-Parley-Deliveries",
            ])
            #expect(headerLines.allSatisfy { $0.utf8.count <= 78 && !$0.isEmpty })
            #expect(headerLines.allSatisfy { $0.unicodeScalars.allSatisfy { (0x20...0x7e).contains($0.value) } })
            #expect(rendered.allSatisfy { $0 < 0x80 && $0 != 0 })
            // Bare CR or LF nowhere: every line ends in CRLF.
            let text = String(decoding: rendered, as: UTF8.self)
            #expect(text.replacingOccurrences(of: "\r\n", with: "").allSatisfy { $0 != "\r" && $0 != "\n" })
            let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            let decodedBody = String(decoding: MailTestDecoding.decodeQuotedPrintable(encodedBody), as: UTF8.self)
            #expect(decodedBody == (normalised.hasSuffix("\n") ? normalised : normalised + "\n") + "")
            #expect(MailTestDecoding.decodeField(
                Array(headerLines.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }))
                == HeaderEncoding.sanitized(subject))
        }
    }
}
