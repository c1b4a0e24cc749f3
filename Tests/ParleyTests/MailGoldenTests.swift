import Foundation
import PQ
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
