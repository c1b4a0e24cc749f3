import Foundation
import PQ
import PropertyBased
import Testing
@testable import Parley

/// The exact bytes of rendered digests, against files captured from the renderer before its rendering was rewritten
/// for speed (issue 17: the mailer's CPU per delivery). Any change to a byte of a message — header folding, RFC 2047
/// words, quoted-printable lines, HTML escaping, the MIME structure — fails here with the first differing line.
///
/// The digests are chosen to reach every path: non-ASCII and right-to-left names, subjects long enough to fold,
/// lines over 76 characters and single words longer than a line, `=`, trailing spaces and tabs, CR and CRLF in
/// data, lines starting `From ` or `.`, HTML's special characters, classified alerts, meetings with a brief attached
/// or withheld, follow-ups, agreements, and a plain-text message.
///
/// To capture the files again after a deliberate change of the output: `PARLEY_WRITE_MAIL_GOLDEN=1 swift test
/// --filter MailGoldenTests`, then read the diff of `Tests/corpus/mail` before committing it.
@Suite struct MailGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus/mail")
    static let writtenAt = MailDigestTests.writtenAt
    static let renderer = MailDigestTests.renderer

    static let hostileName = "Олена «Ковальенко» O'Brien & <Sons> \"Ltd\"  =?utf-8?Q?x?= \u{05E9}\u{05DC}\u{05D5}\u{05DD} 🇺🇦"
    static let hostileRecipient = DigestEntry.Recipient(
        personID: 2, email: "o.brien@mfa.example", name: hostileName, timezone: "America/St_Johns")

    static func hostileCommitment(delivery: Int64, kind: DigestEntry.AlertKind, severity: DigestEntry.Severity, daysLeft: Int?) -> DigestEntry {
        let longWord = String(repeating: "Verhandlungsführungsberechtigung", count: 4)
        let commitment = DigestEntry.Commitment(
            code: "cde-\(delivery)-ä", text: "From now on, the parties <shall> release \"all\" detainees & report: "
                + "1+1=2, a=b; .dot at the start\n.and on a line of its own\nFrom the start of a line too   \n"
                + longWord + " trailing tab\t\r\nCRLF line\rCR line, and a long sentence that goes on and on well past "
                + "the seventy-six characters that quoted-printable allows on one line === end",
            obligor: "الجمهورية العربية السورية", beneficiaries: "Ukraine, Türkiye & \"others\"",
            madeOn: CalendarDate("2025-01-02"), dueOn: CalendarDate("2025-05-20"),
            deadlineAt: Date(timeIntervalSince1970: 1_747_774_800), daysLeft: daysLeft, status: "in_progress",
            target: kind == .stale ? nil : Decimal(string: "1234567.5"), unit: "tonnes <grain>",
            delivered: Decimal(string: "2500.25") ?? 0, progressPercent: 0.2, owner: kind == .resolved ? nil : "Jean-Émile Dupont=Smith",
            statusChangedOn: CalendarDate("2025-04-01"),
            lastUpdate: DigestEntry.Update(
                reportedOn: CalendarDate("2025-05-01") ?? CalendarDate(daysSince1970: 0), note: "Note with trailing spaces   \nand = signs == and 'quotes' ",
                newStatus: "in_progress", delivered: 2500, verification: "independent", reportedBy: "OSCE",
                source: "A source, with <em>markup</em> & more, 2025-05-01",
                sourceURL: "https://example.org/a?b=1&c=\"2\""))
        return DigestEntry(
            deliveryID: delivery, alertID: delivery + 1000, attempts: 2, recipient: hostileRecipient, reason: "subscription",
            kind: kind, severity: severity, subjectType: "commitment", subjectID: delivery,
            subjectCode: "cde-\(delivery)-ä", occurrence: "x", dueAt: writtenAt.addingTimeInterval(-7200),
            escalated: kind == .overdue, classification: .restricted,
            details: DigestEntry.Details(
                track: DigestEntry.Track(
                    code: "track-\(delivery % 5)", name: "Track № \(delivery % 5) — Çırağan & <Dolmabahçe> talks, "
                        + "with a name long enough to need folding in the subject line",
                    timezone: ["Europe/Istanbul", "Asia/Kolkata", "UTC", "Pacific/Chatham", "Nowhere/Unknown"][Int(delivery % 5)]),
                item: DigestEntry.Item(code: "item", title: "Item <1> & \"2\""),
                commitment: commitment))
    }

    static func hostileDigest() -> Digest {
        var entries: [DigestEntry] = []
        let kinds: [(DigestEntry.AlertKind, DigestEntry.Severity, Int?)] = [
            (.overdue, .critical, -12), (.overdue, .warning, 0), (.dueSoon, .info, 0), (.dueSoon, .info, 1),
            (.dueSoon, .info, 9), (.dueSoon, .info, nil), (.stale, .info, 30), (.resolved, .info, nil), (.breached, .warning, -400),
        ]
        for (index, (kind, severity, days)) in kinds.enumerated() {
            entries.append(hostileCommitment(delivery: Int64(40 + index), kind: kind, severity: severity, daysLeft: days))
        }
        var classified = hostileCommitment(delivery: 60, kind: .overdue, severity: .critical, daysLeft: -3)
        classified.details = nil
        classified.classification = .secret
        entries.append(classified)
        entries.append(DigestEntry(
            deliveryID: 61, alertID: 1061, attempts: 1, recipient: hostileRecipient, reason: "assignee",
            kind: .followUpDue, severity: .warning, subjectType: "follow_up", subjectID: 61, subjectCode: "fu-'61'",
            occurrence: "x", dueAt: writtenAt, escalated: false, classification: .unclassified,
            details: DigestEntry.Details(
                track: DigestEntry.Track(code: "ist", name: "Istanbul", timezone: "Europe/Istanbul"),
                followUp: DigestEntry.FollowUp(
                    note: "Send the <draft> & the \"annex\" = done?  ", dueAt: writtenAt.addingTimeInterval(3600),
                    assignee: "Zoë Ångström", about: "Round 3 — «communiqué»"))))
        return Digest(recipient: hostileRecipient, entries: entries, writtenAt: writtenAt,
                      messageID: "<parley.golden-hostile@mfa.example>")
    }

    static func meetingDigest() -> Digest {
        var second = MailMultipartTests.meetingEntry(delivery: 21)
        second.details?.meeting?.code = "ist-r3"
        second.details?.meeting?.title = "Round 3: <closing> & \"signing\""
        second.details?.meeting?.endsAt = writtenAt.addingTimeInterval(5 * 86_400)
        var third = MailMultipartTests.meetingEntry(delivery: 22)
        third.details?.meeting?.code = "ist-r4"
        third.details?.meeting?.location = nil
        third.kind = .meetingOutcomeMissing
        let brief = MailAttachment(
            filename: "brief-ist-r2.html", contentType: "text/html; charset=utf-8",
            content: Data(String(repeating: "<p>Brief — ü & = \r\n</p>", count: 40).utf8))
        return Digest(
            recipient: MailDigestTests.olena, entries: [MailMultipartTests.meetingEntry(), second, third],
            writtenAt: writtenAt,
            briefs: [
                "ist-r2": DigestBrief(meetingCode: "ist-r2", delivery: .attached(brief, classification: .restricted)),
                "ist-r3": DigestBrief(meetingCode: "ist-r3", delivery: .withheld),
            ])
    }

    static func agreementDigest() -> Digest {
        Digest(recipient: MailDigestTests.olena, entries: [
            MailAgreementDigestTests.agreementEntry(delivery: 70, kind: .termEnding, severity: .info, daysLeft: 3),
            MailAgreementDigestTests.agreementEntry(delivery: 71, kind: .termEnding, severity: .info, daysLeft: 0),
            MailAgreementDigestTests.agreementEntry(
                delivery: 72, kind: .objectionDeadline, severity: .warning, daysLeft: 20, renewal: "automatic",
                objectBy: "2025-05-28"),
            MailAgreementDigestTests.agreementEntry(delivery: 73, kind: .termExpired, severity: .warning, daysLeft: -1),
            MailAgreementDigestTests.agreementEntry(
                delivery: 74, kind: .agreementSuspended, severity: .critical, daysLeft: nil,
                event: "Suspended \"until further notice\" <by decree> & with = signs"),
            MailAgreementDigestTests.agreementEntry(
                delivery: 75, kind: .agreementWithdrawal, severity: .critical, daysLeft: nil, event: "Withdrawal notified"),
        ], writtenAt: writtenAt)
    }

    /// The messages, by file name (without the line ending's suffix).
    static func messages() -> [(String, MailMessage)] {
        var messages: [(String, MailMessage)] = [
            ("three-alerts", renderer.message(for: MailDigestTests.threeAlerts)),
            ("hostile", renderer.message(for: hostileDigest())),
            ("meetings", renderer.message(for: meetingDigest())),
            ("agreements", renderer.message(for: agreementDigest())),
        ]
        let sender = MailAddress(displayName: "Parley Ünïcödé sender with a rather long display name, to fold", address: "parley@mfa.example")
            ?? MailAddress(known: "parley@mfa.example")
        let recipients = [
            MailAddress(displayName: "Олена Коваленко", address: "olena@mfa.example"),
            MailAddress(displayName: "plain name", address: "plain@mfa.example"),
            MailAddress(address: "bare@mfa.example"),
            MailAddress(displayName: "\u{0645}\u{062D}\u{0645}\u{062F} = \"quoted\" <x>", address: "rtl@mfa.example"),
        ].compactMap { $0 }
        let body = "Plain text.\nA line with trailing spaces   \nA tab at the end\t\n=== equals ===\n"
            + "From the start\n.\n..two dots\n" + String(repeating: "x", count: 200) + "\n"
            + String(repeating: "Ж", count: 60) + "\r\nCRLF\rCR only\n\n\nlast line without break ü"
        messages.append(("plain", MailMessage(
            from: sender, to: recipients,
            subject: "Re: " + String(repeating: "Wörter und Sätze ", count: 8) + String(repeating: "a", count: 90),
            date: Date(timeIntervalSince1970: -86_400 * 400 + 59), messageID: "<parley.golden-plain@mfa.example>",
            body: body, extraFields: [("X-Parley-Deliveries", "1 2 3"), ("X-Note", "Ümlaut\r\nBcc: injected@evil.example")])))
        messages.append(("html-no-attachment", MailMessage(
            from: sender, to: [recipients[0]], subject: "Short", date: writtenAt,
            messageID: "<parley.golden-html@mfa.example>", body: "", htmlBody: "<p>" + String(repeating: "é", count: 100) + "</p>")))
        messages.append(("text-attachment", MailMessage(
            from: sender, to: [recipients[2]], subject: "", date: writtenAt,
            messageID: "<parley.golden-attach@mfa.example>", body: "one line",
            attachments: [MailAttachment(filename: "../évil name.txt", contentType: "text/plain; charset=utf-8", content: Data())])))
        return messages
    }

    static var writing: Bool { ProcessInfo.processInfo.environment["PARLEY_WRITE_MAIL_GOLDEN"] == "1" }

    @Test(arguments: [MailMessage.LineEnding.crlf, .lf])
    func everyRenderedMessageIsByteForByteTheCapturedOne(_ lineEnding: MailMessage.LineEnding) throws {
        let suffix = lineEnding == .crlf ? "crlf" : "lf"
        if Self.writing { try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true) }
        for (name, message) in Self.messages() {
            let file = Self.directory.appendingPathComponent("\(name).\(suffix).eml")
            let rendered = message.rendered(lineEnding: lineEnding)
            if Self.writing {
                try rendered.write(to: file)
                continue
            }
            let expected = try Data(contentsOf: file)
            if rendered != expected {
                let got = String(decoding: rendered, as: UTF8.self).components(separatedBy: "\n")
                let want = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
                let line = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
                Issue.record("""
                    \(name).\(suffix).eml differs at line \(line + 1) (\(rendered.count) bytes against \(expected.count)):
                    got:      \(line < got.count ? got[line].debugDescription : "(end)")
                    expected: \(line < want.count ? want[line].debugDescription : "(end)")
                    """)
            }
        }
    }

    /// The files cover what they are meant to: a test that compares nothing proves nothing.
    @Test func theCapturedMessagesReachEveryEncodingPath() throws {
        let all = try Self.messages().map { name, _ in
            String(decoding: try Data(contentsOf: Self.directory.appendingPathComponent("\(name).crlf.eml")), as: UTF8.self)
        }.joined()
        for expected in ["=?utf-8?Q?", "=?utf-8?B?", "=3D", "=20\r\n", "=09\r\n", "=\r\n", "=46rom", "=2E",
                         "&lt;", "&amp;", "&quot;", "&#39;", "<bdi>", "multipart/mixed", "multipart/alternative",
                         "Content-Transfer-Encoding: base64", "\r\n =?utf-8?"] {
            #expect(all.contains(expected), "no message has \(expected.debugDescription)")
        }
    }
}

/// The encoders rewritten on bytes for issue 17 against the code they replaced (kept here as it was), on any text.
@Suite struct MailEncoderOracleTests {
    @Test func quotedPrintableIsWhatItWasForAnyText() async {
        await propertyCheck(count: 500, input: MailPropertyTests.hostile) { text in
            for eol in ["\r\n", "\n"] {
                #expect(QuotedPrintable.encode(text, lineEnding: eol) == LegacyEncoders.quotedPrintable(text, lineEnding: eol))
            }
            let bytes = Array(text.utf8.filter { $0 != 0x0a })
            #expect(QuotedPrintable.encodeLine(bytes) == LegacyEncoders.quotedPrintableLine(bytes))
        }
    }

    @Test func quotedPrintableOfLinesAtEveryLength() {
        // Every length around the soft breaks, with the escapes at every position.
        for length in 0...160 {
            for filler in ["a", "=", " ", ".", "F", "é", "\t"] {
                for text in [String(repeating: filler, count: length), "From " + String(repeating: filler, count: length),
                             String(repeating: "x", count: length) + "From " + filler + "\n." + filler] {
                    #expect(QuotedPrintable.encode(text) == LegacyEncoders.quotedPrintable(text, lineEnding: "\r\n"), "\(text.debugDescription)")
                }
            }
        }
    }

    /// Mostly printable ASCII, as digests are, so that runs of literal bytes meet every edge: spaces, tabs and dots
    /// inside runs and at line ends, `=` and non-ASCII bytes between them, lines of every length around the soft
    /// breaks (issue 17: such runs are copied at once).
    @Test func quotedPrintableOfMostlyASCIITextIsWhatItWas() async {
        let pieces = ["a", "word", " ", "  ", ".", "=", "\t", "F", "From ", "é", "—", "\n", "\n.", "\nFrom x",
                      String(repeating: "x", count: 70), String(repeating: "y ", count: 37), String(repeating: ".", count: 74)]
        await propertyCheck(count: 1_500, input: Gen.int(in: 0...1_000_000).array(of: 0...60)) { codes in
            let text = codes.map { pieces[$0 % pieces.count] }.joined()
            for eol in ["\r\n", "\n"] {
                #expect(QuotedPrintable.encode(text, lineEnding: eol) == LegacyEncoders.quotedPrintable(text, lineEnding: eol),
                        "\(text.debugDescription)")
            }
            let bytes = Array(text.utf8.filter { $0 != 0x0a })
            #expect(QuotedPrintable.encodeLine(bytes) == LegacyEncoders.quotedPrintableLine(bytes), "\(text.debugDescription)")
        }
    }

    @Test func htmlEscapingIsWhatItWasForAnyText() async {
        await propertyCheck(count: 500, input: MailPropertyTests.hostile) { text in
            #expect(HTML.escape(text) == LegacyEncoders.htmlEscape(text))
        }
        // Noncharacters and their neighbours (the compiler refuses them as literals).
        let edges = String(String.UnicodeScalarView(
            [0xFDD0, 0x78, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFF, 0x10FFFE, 0xFDCF, 0xFDF0, 0xFFFD, 0x1FFFD].compactMap(Unicode.Scalar.init)))
        for text in ["", edges, "\u{80}\u{9F}\u{A0}", "\r\r\n\n\r",
                     "a\u{0C}b\u{0B}c", "😀&😀"] {
            #expect(HTML.escape(text) == LegacyEncoders.htmlEscape(text), "\(text.debugDescription)")
        }
    }
}

/// Wrapping text beyond ASCII, its line lengths kept as it goes (issue 17), against the code it replaced.
@Suite struct BodyTextWrapOracleTests {
    @Test func wrappingAnyTextIsWhatItWas() async {
        let pieces = ["a", "word", " ", "  ", "\u{301}", "\u{600}", "👨‍👩‍👧", "🇺🇦", "Ж", "é", "e\u{301}", "\n", "\r\n", "\t",
                      "Çırağan", String(repeating: "ü", count: 30), String(repeating: "x", count: 80), "—", "\u{200D}", "\u{0E33}",
                      "\u{201C}", "\u{201D}", "\u{B7}", "→", "\u{AD}", "‼", "\u{482}", "\u{483}", "\u{A0}", "\u{2FF}", "\u{300}", "\u{FE0F}",
                      "\u{85}", "\u{2028}", "\u{2029}", "\u{9F}", "\u{7F}", "\0", "\u{2027}", "\u{202A}", "\u{C0}"]
        let prefixes = ["", "[1] ", "    Obligor:     ", "\u{301}", "é ", String(repeating: " ", count: 17), "\u{600}"]
        await propertyCheck(count: 1_500, input: Gen.int(in: 0...1_000_000).array(of: 0...30)) { codes in
            let text = codes.map { pieces[$0 % pieces.count] }.joined()
            let first = prefixes[(codes.first ?? 0) % prefixes.count]
            let rest = prefixes[(codes.last ?? 0) / 7 % prefixes.count]
            #expect(BodyText.lines(text) == LegacyEncoders.lines(text), "\(text.debugDescription)")
            for width in [76, 20] {
                #expect(BodyText.wrap(text, first: first, rest: rest, width: width)
                        == LegacyEncoders.wrap(text, first: first, rest: rest, width: width),
                        "\(first.debugDescription) \(rest.debugDescription) \(text.debugDescription)")
            }
        }
        await propertyCheck(count: 300, input: MailPropertyTests.hostile) { text in
            #expect(BodyText.wrap(text, first: "[1] ", rest: "    ") == LegacyEncoders.wrap(text, first: "[1] ", rest: "    ", width: 76))
        }
    }
}

/// The progress bar's width without Foundation's formatting when it is exact (issue 17), against `%.1f`.
@Suite struct OneDecimalTests {
    @Test func aWidthIsWhatPrintfWrites() async {
        var values: [Double] = [0, -0.0, 0.05, 0.25, 0.35, 0.45, 1, 12.5, 39, 39.05, 99.95, 99.99, 100, 0.1, 0.7, 33.3, 2.675,
                                .leastNonzeroMagnitude, 1e-300, 66.66666666666667, 50.000000000000007]
        for tenths in 0...1000 { values.append(Double(tenths) / 10) }
        for hundredths in 0...10_000 { values.append(Double(hundredths) / 100) }
        for value in values {
            #expect(HTML.oneDecimal(value) == String(format: "%.1f", value), "\(value)")
        }
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...1_000_000_000)) { n in
            let value = Double(n) / 10_000_000
            #expect(HTML.oneDecimal(value) == String(format: "%.1f", value), "\(value)")
        }
    }
}

/// Header fields' shortcut for one-line values (issue 17) against folding word by word, and sanitising against
/// the code it replaced.
@Suite struct HeaderShortcutTests {
    static let asciiish = Gen.int(in: 0...1_000_000).array(of: 0...30).map { codes in
        codes.map { ["a", "word", " ", "  ", "=?", "?=", "=", "Ж", "\t", "x" + String(repeating: "y", count: 71), "é", "~"][$0 % 12] }
            .joined()
    }

    /// A From or To of one mailbox as one line (issue 17) against folding atom by atom: display names of plain words
    /// and not, short and long, with `=?`, and addresses of every length around the line's end.
    @Test func oneMailboxFieldsAreWhatFoldingMakes() async {
        let words = ["Parley", "Olena", "Kovalenko", "=?", "a=?b", "O'Neil", "J.", "Ж", "é", "a", "x" + String(repeating: "y", count: 71),
                     "x" + String(repeating: "y", count: 72), "\"q\"", "(c)", "!#$%&'*+-/=?^_`{|}~", "  ", "\t", "", "é é"]
        await propertyCheck(count: 1_500, input: Gen.int(in: 0...1_000_000).array(of: 0...12)) { codes in
            let displayName = codes.dropFirst().map { words[$0 % words.count] }.joined(separator: (codes.first ?? 0) % 3 == 0 ? "" : " ")
            let local = String(repeating: "d", count: 1 + (codes.first ?? 0) % 60)
            guard let mailbox = MailAddress(displayName: displayName, address: local + "@mfa.example") else {
                Issue.record("not an address: \(local)")
                return
            }
            for name in ["To", "From", "X-Original-To-Something"] {
                #expect(HeaderEncoding.addressField(name: name, mailboxes: [mailbox])
                        == HeaderEncoding.foldedAddressField(name: name, mailboxes: [mailbox]),
                        "\(name): \(displayName.debugDescription) <\(mailbox.address)>")
            }
        }
        for mailbox in [MailAddress(known: "desk@mfa.example"), MailAddress(displayName: "Parley", address: "parley@bench.example")] {
            guard let mailbox else { continue }
            #expect(HeaderEncoding.addressField(name: "From", mailboxes: [mailbox])
                    == HeaderEncoding.foldedAddressField(name: "From", mailboxes: [mailbox]))
        }
    }

    @Test func oneLineFieldsAreWhatFoldingMakes() async {
        for gen in [Self.asciiish, MailPropertyTests.hostile] {
            await propertyCheck(count: 400, input: gen) { text in
                #expect(HeaderEncoding.sanitized(text) == LegacyEncoders.sanitized(text), "\(text.debugDescription)")
                for name in ["To", "Date", "Subject", "X-Parley-Deliveries", "Content-Transfer-Encoding"] {
                    #expect(HeaderEncoding.unstructuredField(name: name, value: text)
                            == HeaderEncoding.fold(name: name, atoms: HeaderEncoding.atoms(
                                forText: LegacyEncoders.sanitized(text), inPhrase: false)), "\(name): \(text.debugDescription)")
                    #expect(HeaderEncoding.fixedField(name: name, value: text) == LegacyEncoders.fixedField(name: name, value: text),
                            "\(name): \(text.debugDescription)")
                }
            }
        }
    }
}

/// The encoders as they were before issue 17's rewrite (e67f37f), the reference the new ones must equal.
enum LegacyEncoders {
    /// `BodyText.lines` as it was, scalar by scalar.
    static func lines(_ text: String) -> [String] {
        func trimmed(_ text: String) -> String {
            var scalars = Substring(text).unicodeScalars
            while let last = scalars.last, last == " " { scalars.removeLast() }
            return String(scalars)
        }
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0a where previousWasCR:
                break
            case 0x0a, 0x0d, 0x85, 0x2028, 0x2029:
                lines.append(trimmed(String(current)))
                current = String.UnicodeScalarView()
            case 0x09:
                current.append(" ")
            case 0x00...0x1f, 0x7f...0x9f:
                break
            default:
                current.append(scalar)
            }
            previousWasCR = scalar.value == 0x0d
        }
        lines.append(trimmed(String(current)))
        return lines
    }

    /// `BodyText.wrap` word by word as it was, counting each line's characters again for every word.
    static func wrap(_ text: String, first: String, rest: String, width: Int) -> [String] {
        var output: [String] = []
        var prefix = first
        for paragraph in lines(text) {
            var line = prefix
            var lineHasWord = false
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                while !word.isEmpty {
                    let room = width - line.count - (lineHasWord ? 1 : 0)
                    if word.count <= room {
                        line += (lineHasWord ? " " : "") + word
                        lineHasWord = true
                        word = ""
                    } else if lineHasWord {
                        output.append(line)
                        line = rest
                        lineHasWord = false
                    } else {
                        let cut = max(room, 1)
                        line += word.prefix(cut)
                        word = word.dropFirst(cut)
                        output.append(line)
                        line = rest
                    }
                }
            }
            var scalars = Substring(line).unicodeScalars
            if !lineHasWord { while let last = scalars.last, last == " " { scalars.removeLast() } }
            output.append(lineHasWord ? line : String(scalars))
            prefix = rest
        }
        return output
    }

    static func sanitized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x20, 0x7f...0x9f, 0x2028, 0x2029:
                pendingSpace = !scalars.isEmpty
                continue
            default:
                break
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    static func fixedField(name: String, value: String) -> [String] {
        let safe = value.utf8.allSatisfy({ (0x20...0x7e).contains($0) }) ? value
            : String(String.UnicodeScalarView(value.unicodeScalars.map { (0x20...0x7e).contains($0.value) ? $0 : "?" }))
        return HeaderEncoding.fold(name: name, atoms: safe.split(separator: " ").map { .verbatim(String($0)) })
    }

    static func quotedPrintable(_ text: String, lineEnding: String) -> String {
        let bytes = Array(text.utf8)
        let eol = Array(lineEnding.utf8)
        let softBreak = [UInt8(ascii: "=")] + eol
        var out: [UInt8] = []
        var start = 0
        var first = true
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if !first { out += eol }
            first = false
            appendLine(bytes[start..<end], to: &out, softBreak: softBreak)
            if end == bytes.count { break }
            start = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func quotedPrintableLine(_ bytes: [UInt8]) -> [String] {
        var out: [UInt8] = []
        appendLine(bytes[...], to: &out, softBreak: [0])
        return out.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    private static let from = Array("From ".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func appendLine(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8], softBreak: [UInt8]) {
        let first = bytes.startIndex
        let last = bytes.endIndex - 1
        let startsFrom = bytes.starts(with: from)
        var current = 0
        for index in bytes.indices {
            let byte = bytes[index]
            let isLast = index == last
            var literal: Bool
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): literal = !isLast
            case UInt8(ascii: "="): literal = false
            case UInt8(ascii: "."): literal = index != first
            case 0x21...0x7e: literal = !(index == first && startsFrom)
            default: literal = false
            }
            let limit = isLast ? 76 : 75
            if current + (literal ? 1 : 3) > limit {
                out += softBreak
                current = 0
                if literal && (byte == UInt8(ascii: ".")
                               || (byte == UInt8(ascii: "F") && bytes[index...].starts(with: from))) {
                    literal = false
                }
            }
            if literal {
                out.append(byte)
                current += 1
            } else {
                out += [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]]
                current += 3
            }
        }
    }

    static func htmlEscape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\r": out.append("\n")
            case "\n" where previousWasCR: break
            case "\t", "\n", "\u{0C}": out.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || (0x7f...0x9f).contains(value) || (0xfdd0...0xfdef).contains(value)
                    || value & 0xfffe == 0xfffe { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }
}

/// `BodyText.wrap`'s shortcut for a value that fits one line gives what wrapping word by word gives.
@Suite struct BodyTextShortcutTests {
    @Test func aFittingLineIsWhatWrappingWordByWordMakes() async {
        let pieces = ["a", "word", " ", "  ", "x=y", "é", "\t", "\n", "~", "\u{7f}", "Ж", "longerword"]
        let firsts = ["", "[1] ", "    Obligor:     ", "    ", "é ", "    Commitment:  "]
        let rests = ["", "    ", String(repeating: " ", count: 17), "ü "]
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...1_000_000).array(of: 0...30)) { codes in
            let text = codes.map { pieces[$0 % pieces.count] }.joined()
            let first = firsts[(codes.first ?? 0) % firsts.count]
            let rest = rests[(codes.last ?? 0) % rests.count]
            for width in [76, 20, 60] {
                #expect(BodyText.wrap(text, first: first, rest: rest, width: width)
                        == BodyText.wrapWordByWord(text, first: first, rest: rest, width: width), "\(text.debugDescription)")
            }
        }
    }
}

/// A message whose HTML is given as bytes (a digest's, issue 17) renders as the same message given the HTML as a
/// string, whatever the HTML holds (line breaks of every kind, no final one, nothing at all).
@Suite struct HTMLBytesMessageTests {
    @Test func htmlAsBytesRendersAsHTMLAsAString() async {
        let sender = MailAddress(known: "parley@mfa.example")
        await propertyCheck(count: 300, input: MailPropertyTests.hostile) { text in
            for html in [text, text + "\n", "<p>" + text + "</p>\r\n", "", "\r", "a\rb\r\nc\n"] {
                let attachments = html.isEmpty ? [MailAttachment(filename: "a.txt", contentType: "text/plain", content: Data("x".utf8))] : []
                let fromString = MailMessage(
                    from: sender, to: [sender], subject: "S", date: Date(timeIntervalSince1970: 0), messageID: "<m@mfa.example>",
                    body: text, htmlBody: html, attachments: attachments, extraFields: [("X-A", "1")])
                let fromBytes = MailMessage(
                    from: sender, to: [sender], subject: "S", date: Date(timeIntervalSince1970: 0), messageID: "<m@mfa.example>",
                    body: text, htmlUTF8: Array(html.utf8), attachments: attachments, extraFields: [("X-A", "1")])
                #expect(fromBytes.htmlBody == html)
                // The part from the bytes against the part from the string, as every HTML part was written before.
                for eol in ["\r\n", "\n"] {
                    var fromBytesPart: [UInt8] = []
                    var fromStringPart: [UInt8] = []
                    MailMessage.appendHTMLPart(Array(html.utf8), Array(eol.utf8), to: &fromBytesPart)
                    MailMessage.appendTextPart("text/html; charset=utf-8", html, Array(eol.utf8), to: &fromStringPart)
                    #expect(fromBytesPart == fromStringPart, "\(html.debugDescription)")
                }
                for lineEnding in [MailMessage.LineEnding.crlf, .lf] {
                    #expect(fromBytes.rendered(lineEnding: lineEnding) == fromString.rendered(lineEnding: lineEnding),
                            "\(html.debugDescription)")
                }
            }
        }
    }
}
