import Foundation
import Testing
@testable import Parley

/// RFC 2047 headers, folding, quoted-printable, Message-IDs and the assembled message, on chosen examples.
@Suite struct MailEncodingTests {
    @Test func plainASCIISubjectStaysReadable() {
        let lines = HeaderEncoding.unstructuredField(name: "Subject", value: "[Parley] 2 overdue, 1 due tomorrow")
        #expect(lines == ["Subject: [Parley] 2 overdue, 1 due tomorrow"])
    }

    @Test(arguments: ["Türkiye", "Çırağan Palace", "Київ", "[Parley] 2 overdue, 1 due tomorrow — Istanbul talks",
                      "مفاوضات إسطنبول", "שיחות", "👨‍👩‍👧 family 🇺🇦"])
    func nonASCIIIsEncodedAndDecodesBack(_ text: String) {
        let lines = HeaderEncoding.unstructuredField(name: "Subject", value: text)
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy { (0x20...0x7e).contains($0.value) } })
        #expect(lines.joined().contains("=?utf-8?"))
        #expect(MailTestDecoding.decodeField(lines) == text)
    }

    @Test func lineBreaksAndControlCharactersCannotStartAnotherHeader() {
        let hostile = "Overdue\r\nBcc: victim@evil.example\r\n\r\nbody\0text\u{2028}Subject: pwned"
        let lines = HeaderEncoding.unstructuredField(name: "Subject", value: hostile)
        let joined = lines.joined(separator: "\r\n")
        #expect(!joined.contains("\r\nBcc:"))
        #expect(!joined.contains("\r\nSubject:"))
        #expect(!joined.unicodeScalars.contains { $0.value == 0 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(MailTestDecoding.decodeField(lines) == "Overdue Bcc: victim@evil.example body text Subject: pwned")
    }

    @Test func aVeryLongWordIsSplitAcrossEncodedWords() {
        let word = String(repeating: "x", count: 2_000)
        let lines = HeaderEncoding.unstructuredField(name: "Subject", value: "Alert " + word + " end")
        #expect(lines.count > 20)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(MailTestDecoding.decodeField(lines) == "Alert " + word + " end")
    }

    @Test func aLongWordFirstIsSplitRatherThanLeavingTheFirstLineEmpty() {
        let word = String(repeating: "y", count: 72)
        for name in ["Subject", "X-Auto-Response-Suppress"] {
            let lines = HeaderEncoding.unstructuredField(name: name, value: word + " tail")
            #expect(lines.allSatisfy { $0.utf8.count <= 78 })
            #expect(lines[0].count > name.count + 2)
            #expect(MailTestDecoding.decodeField(lines) == word + " tail")
        }
    }

    @Test func textThatLooksLikeAnEncodedWordIsEncodedItself() {
        // Left plain, a reader would decode it and show "pwned" instead of what the data says.
        let text = "=?utf-8?Q?pwned?="
        let lines = HeaderEncoding.unstructuredField(name: "Subject", value: text)
        #expect(MailTestDecoding.decodeField(lines) == text)
        #expect(lines[0] != "Subject: =?utf-8?Q?pwned?=")
    }

    @Test func foldedLinesStayWithin78Characters() {
        let text = (1...40).map { "word\($0) Çırağan" }.joined(separator: " ")
        let lines = HeaderEncoding.unstructuredField(name: "Subject", value: text)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(MailTestDecoding.decodeField(lines) == text)
    }

    @Test func addressFieldsQuoteNothingAndEncodeNames() {
        let plain = HeaderEncoding.addressField(
            name: "From", mailboxes: [MailAddress(displayName: "Parley Alerts", address: "parley@mfa.example")!])
        #expect(plain == ["From: Parley Alerts <parley@mfa.example>"])
        let encoded = HeaderEncoding.addressField(
            name: "To", mailboxes: [MailAddress(displayName: "Kovalenko, Olena \"Desk\"", address: "olena@mfa.example")!])
        #expect(encoded.joined().hasSuffix(" <olena@mfa.example>"))
        #expect(!encoded.joined().contains("\""))
        #expect(MailTestDecoding.decodeField(encoded) == "Kovalenko, Olena \"Desk\" <olena@mfa.example>")
    }

    @Test func addressesFollowTheDatabaseRule() {
        #expect(MailAddress.isValidAddress("olena.kovalenko@mfa.gov.example"))
        #expect(!MailAddress.isValidAddress("olena@localhost"))
        #expect(!MailAddress.isValidAddress("olena@mfa.example\r\nBcc: x@y.example"))
        #expect(!MailAddress.isValidAddress("olena kovalenko@mfa.example"))
        #expect(!MailAddress.isValidAddress("олена@mfa.example"))
        #expect(MailAddress(parsing: "\"Parley, MFA\" <parley@mfa.example>")?.displayName == "Parley, MFA")
        #expect(MailAddress(parsing: "parley@mfa.example")?.displayName == nil)
        #expect(MailAddress(parsing: "Parley <parley@mfa>") == nil)
    }

    @Test func quotedPrintableEscapesWhatMustBeEscaped() {
        #expect(QuotedPrintable.encode("Türkiye") == "T=C3=BCrkiye")
        #expect(QuotedPrintable.encode("a = b") == "a =3D b")
        #expect(QuotedPrintable.encode("trailing space ") == "trailing space=20")
        #expect(QuotedPrintable.encode("From here\n.\nend") == "=46rom here\r\n=2E\r\nend")
        #expect(QuotedPrintable.encode("tab\tinside") == "tab\tinside")
    }

    @Test func quotedPrintableLinesStayWithin76AndDecodeBack() {
        let text = String(repeating: "Çırağan Київ ", count: 30) + "\n" + String(repeating: "x", count: 2_000) + "\n"
        let encoded = QuotedPrintable.encode(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(MailTestDecoding.decodeQuotedPrintable(encoded) == Array(text.utf8))
    }

    /// Body text takes short cuts for printable ASCII (most data): the same lines as the wrapping before the short
    /// cuts (`LegacyEncoders`, MailGoldenTests.swift), for texts of words, runs of spaces, tabs, controls, line
    /// breaks and words longer than a line.
    @Test func asciiBodyTextIsWrappedAsCharactersAre() {
        let pieces = ["a", "word", "commitment", " ", "  ", "\t", "\n", "\r\n", "\u{7}", "'quoted'", "&",
                      String(repeating: "x", count: 90), "end ", " start"]
        var state: UInt64 = 0x2545_f491_4f6c_dd1d
        for _ in 0..<500 {
            var text = ""
            for _ in 0..<Int(state % 40) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int((state >> 33) % UInt64(pieces.count))]
            }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let width = [1, 10, 20, 76][Int((state >> 40) % 4)]
            #expect(BodyText.wrap(text, first: "[12] ", rest: "    ", width: width)
                        == LegacyEncoders.wrap(text, first: "[12] ", rest: "    ", width: width), "\(text.debugDescription) at \(width)")
            #expect(BodyText.lines(text) == LegacyEncoders.lines(text), "\(text.debugDescription)")
            #expect(BodyText.singleLine(text)
                        == LegacyEncoders.lines(text).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                            .joined(separator: " "), "\(text.debugDescription)")
        }
    }

    @Test func aLongAddressStaysAnAddress() throws {
        let address = "parley-alerts-for-the-eastern-europe-desk@negotiation-support.mfa.example"
        let lines = HeaderEncoding.addressField(name: "From", mailboxes: [try #require(MailAddress(address: address))])
        #expect(lines.joined(separator: " ").contains("<\(address)>"))
        #expect(!lines.joined().contains("=?"))
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
    }

    @Test func messageIDsDependOnTheDeliveriesAndTheInstallationOnly() {
        let here = UUID(uuidString: "7d2a4c1e-0000-4000-8000-000000000001")!
        let staging = UUID(uuidString: "7d2a4c1e-0000-4000-8000-000000000002")!
        let first = MessageID.forDeliveries([17, 3, 9], installation: here, domain: "mfa.example")
        #expect(first == MessageID.forDeliveries([3, 9, 17], installation: here, domain: "mfa.example"))
        #expect(first == MessageID.forDeliveries([9, 17, 3, 3], installation: here, domain: "mfa.example"))
        #expect(first != MessageID.forDeliveries([3, 9], installation: here, domain: "mfa.example"))
        #expect(first != MessageID.forDeliveries([3, 10, 17], installation: here, domain: "mfa.example"))
        #expect(first != MessageID.forDeliveries([17, 3, 9], installation: staging, domain: "mfa.example"))
        #expect(first.wholeMatch(of: /<parley\.3-17-3\.[0-9a-f]{16}@mfa\.example>/) != nil)
    }


    @Test func theMessageHasEveryHeaderOnceAndAQuotedPrintableBody() throws {
        let message = MailMessage(
            from: MailAddress(displayName: "Parley", address: "parley@mfa.example")!,
            to: [MailAddress(displayName: "Mehmet Çelik", address: "mehmet@mfa.example")!],
            subject: "[Parley] 1 overdue — Çırağan talks", date: Date(timeIntervalSince1970: 1_748_338_200),
            messageID: "<parley.abc@mfa.example>", body: "Line one\r\nLine two\rLine three — Київ")
        let (headerLines, body) = MailTestDecoding.split(message.rendered())
        #expect(MailTestDecoding.fieldNames(headerLines) == [
            "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding", "Auto-Submitted", "X-Auto-Response-Suppress",
        ])
        #expect(headerLines.contains("Date: Tue, 27 May 2025 09:30:00 +0000"))
        #expect(headerLines.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(headerLines.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(headerLines.contains("Auto-Submitted: auto-generated"))
        let decoded = String(decoding: MailTestDecoding.decodeQuotedPrintable(body), as: UTF8.self)
        #expect(decoded == "Line one\nLine two\nLine three — Київ\n")
        let lf = String(decoding: message.rendered(lineEnding: .lf), as: UTF8.self)
        #expect(!lf.contains("\r"))
    }

    @Test func dateHeadersAreEnglishAndUTC() {
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 1_748_338_200)) == "Tue, 27 May 2025 09:30:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
    }

    /// The date is worked out by arithmetic; Foundation's Gregorian calendar says the same for any moment.
    @Test func dateHeadersAgreeWithFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var generator = SystemRandomNumberGenerator()
        // From 1900 to 2200, and every day boundary around the leap days of 1900, 2000 and 2100.
        var moments = (0..<3000).map { _ in Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator)) + 0.75 }
        for boundary in [-2_203_891_200.0, 951_782_400, 4_107_456_000] {
            moments += stride(from: boundary - 2 * 86_400, through: boundary + 2 * 86_400, by: 43_200).map { $0 } + [boundary - 1]
        }
        for moment in moments {
            let date = Date(timeIntervalSince1970: moment)
            let p = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%@, %d %@ %04d %02d:%02d:%02d +0000", weekdays[p.weekday! - 1], p.day!, months[p.month! - 1],
                p.year!, p.hour!, p.minute!, p.second!)
            #expect(MailMessage.rfc5322Date(date) == expected, "\(moment)")
        }
    }
}
