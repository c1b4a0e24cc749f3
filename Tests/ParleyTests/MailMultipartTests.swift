import Foundation
import PQ
import ParleyTestSupport
import PropertyBased
import Testing
@testable import Parley

/// Digests as multipart/alternative (the text part as before, plus HTML) and multipart/mixed with a meeting's
/// brief attached: the structure, what each part says, and that no data can break either.
@Suite struct MailMultipartTests {
    static let renderer = MailDigestTests.renderer
    static let writtenAt = MailDigestTests.writtenAt

    static func meetingEntry(delivery: Int64 = 20) -> DigestEntry {
        DigestEntry(
            deliveryID: delivery, alertID: delivery + 100, attempts: 1, recipient: MailDigestTests.olena, reason: "responsible",
            kind: .meetingUpcoming, severity: .info, subjectType: "meeting", subjectID: 5, subjectCode: "ist-r2", occurrence: "x",
            dueAt: writtenAt, escalated: false, classification: .unclassified,
            details: DigestEntry.Details(
                track: MailDigestTests.istanbul,
                meeting: DigestEntry.Meeting(
                    code: "ist-r2", title: "Round 2", startsAt: writtenAt.addingTimeInterval(2 * 86_400),
                    endsAt: writtenAt.addingTimeInterval(2 * 86_400 + 7_200), location: "Çırağan Palace", status: "scheduled")))
    }

    @Test func aDigestIsTextThenHTMLAndTheTextIsExactlyTheTextBody() throws {
        let digest = MailDigestTests.threeAlerts
        let message = Self.renderer.message(for: digest)
        let rendered = message.rendered()
        let (headerLines, _) = MailTestDecoding.split(rendered)
        #expect(MailTestDecoding.fieldNames(headerLines) == [
            "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding", "Auto-Submitted", "X-Auto-Response-Suppress", "X-Parley-Deliveries", "X-Mailer",
        ])
        #expect(headerLines.contains { $0.hasPrefix("Content-Type: multipart/alternative;") })
        #expect(MailTestDecoding.decodedPart(rendered, type: "text/plain") == Self.renderer.body(for: digest))
        #expect(MailTestDecoding.decodedPart(rendered, type: "text/html") == Self.renderer.html(for: digest))
        #expect(!String(decoding: rendered, as: UTF8.self).contains("Content-Disposition"))
    }

    @Test func theHTMLPartHasATablePerSeverityWithWhatToKnowAndDo() throws {
        var overdue = MailDigestTests.commitmentEntry(
            delivery: 1, kind: .overdue, severity: .warning, daysLeft: -2, dueOn: "2025-05-25", code: "ist-pow-ru")
        // The end of 25 May in Istanbul (UTC+3) is midnight in Kyiv (UTC+3 in summer) too: 26 May 00:00.
        overdue.details?.commitment?.deadlineAt = Date(timeIntervalSince1970: 1_748_206_800)
        let soon = MailDigestTests.commitmentEntry(delivery: 3, kind: .dueSoon, severity: .info, daysLeft: 1, dueOn: "2025-05-28", code: "ist-soon")
        let digest = Digest(recipient: MailDigestTests.olena, entries: [overdue, soon], writtenAt: Self.writtenAt)
        let html = Self.renderer.html(for: digest)
        let check = try #require(try HTMLCheck.run([html]).first)
        #expect(check.error == nil, "\(check.error ?? "")")
        #expect(check.scripts == 0 && check.loaded.isEmpty && check.eventAttributes == 0)
        #expect(html.components(separatedBy: "<table class=\"alerts\">").count == 3)
        for expected in [
            "WARNING (1)", "INFO (1)", "Deadline (your time, Europe/Kyiv)",
            "OVERDUE by 2 days — Istanbul talks — Exchange of prisoners of war",
            "Release 1,000 prisoners of war", "Russia → Ukraine", "Mon 26 May 2025 00:00", "end of Sun 25 May 2025 in Europe/Istanbul",
            "2 days overdue", "390 of 1,000 prisoners (39 %); status partially fulfilled",
            "select parley.acknowledge_alert(101);", "parley alerts ack 101", "parley commitments show ist-pow-ru",
            "select * from parley.open_commitments where code = 'ist-pow-ru';",
        ] {
            #expect(check.text.contains(expected), "missing: \(expected)")
        }
        #expect(html.contains("width:39.0%"))
    }

    @Test func aBriefWithinTheCeilingTravelsAsAnAttachment() throws {
        let brief = "<!DOCTYPE html><html><head><title>Brief</title></head><body><p>Brief of ist-r2</p></body></html>\n"
        let attachment = MailAttachment(filename: "brief-ist-r2.html", contentType: "text/html; charset=utf-8", content: Data(brief.utf8))
        let digest = Digest(
            recipient: MailDigestTests.olena, entries: [Self.meetingEntry()], writtenAt: Self.writtenAt,
            briefs: ["ist-r2": DigestBrief(meetingCode: "ist-r2", delivery: .attached(attachment, classification: .restricted))])
        let rendered = Self.renderer.message(for: digest).rendered()
        let text = String(decoding: rendered, as: UTF8.self)
        #expect(text.contains("Content-Type: multipart/mixed;"))
        #expect(text.contains("Content-Disposition: attachment;\r\n filename=\"brief-ist-r2.html\""))
        let body = try #require(MailTestDecoding.decodedPart(rendered, type: "text/plain"))
        #expect(body.contains("Brief:       attached: brief-ist-r2.html, marked RESTRICTED"))
        #expect(try #require(MailTestDecoding.decodedPart(rendered, type: "text/html")).contains("attached: brief-ist-r2.html"))
        // The attachment decodes to the brief, byte for byte.
        let (_, encoded) = MailTestDecoding.split(rendered)
        let parts = MailTestDecoding.parts(encoded, boundary: MailMessage.mixedBoundary)
        let last = try #require(parts.last)
        #expect(last.headerLines.contains("Content-Transfer-Encoding: base64"))
        let bytes = Data(base64Encoded: last.content.replacingOccurrences(of: "\r\n", with: ""))
        #expect(bytes == Data(brief.utf8))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func aBriefAboveTheCeilingIsNamedNotSent() throws {
        let withheld = Digest(
            recipient: MailDigestTests.olena, entries: [Self.meetingEntry()], writtenAt: Self.writtenAt,
            briefs: ["ist-r2": DigestBrief(meetingCode: "ist-r2", delivery: .withheld)])
        let rendered = Self.renderer.message(for: withheld).rendered()
        #expect(!String(decoding: rendered, as: UTF8.self).contains("multipart/mixed"))
        let body = try #require(MailTestDecoding.decodedPart(rendered, type: "text/plain"))
        #expect(body.replacingOccurrences(of: "\n                 ", with: " ").contains(
            "Brief:       not attached, as it holds material above what may be e-mailed to you; write it with parley brief ist-r2"))
        // Not written for this digest (a preview): the command alone.
        let preview = Self.renderer.body(for: Digest(recipient: MailDigestTests.olena, entries: [Self.meetingEntry()], writtenAt: Self.writtenAt))
        #expect(preview.contains("Brief:       parley brief ist-r2 writes it (--pdf FILE for a PDF)"))
    }

    @Test func shellWordsOfCodesNeedNoQuotingOrAreQuoted() {
        #expect(DigestBrief.command("ist-r2") == "parley brief ist-r2")
        #expect(DigestBrief.command("a b;rm -rf") == "parley brief 'a b;rm -rf'")
        #expect(DigestBrief.command("it's") == "parley brief 'it'\\''s'")
        #expect(DigestBrief.command("-x") == "parley brief '-x'")
    }

    @Test func anyDataInAMultipartMessageLeavesItsStructureAndSaysItBack() async {
        await propertyCheck(count: 120, input: MailPropertyTests.hostile, MailPropertyTests.hostile, MailPropertyTests.hostile) { text, html, name in
            let attachment = MailAttachment(filename: name, contentType: "text/html; charset=utf-8", content: Data(html.utf8))
            let message = MailMessage(
                from: MailAddress(displayName: "Parley", address: "parley@mfa.example")!,
                to: [MailAddress(displayName: name, address: "desk@mfa.example")!],
                subject: name, date: Date(timeIntervalSince1970: 1_748_338_200),
                messageID: "<parley.1@mfa.example>", body: text, htmlBody: html, attachments: [attachment])
            let rendered = message.rendered()
            let all = String(decoding: rendered, as: UTF8.self)
            #expect(rendered.allSatisfy { $0 < 0x80 && $0 != 0 })
            #expect(all.replacingOccurrences(of: "\r\n", with: "").allSatisfy { $0 != "\r" && $0 != "\n" })
            let long = all.components(separatedBy: "\r\n").first { $0.utf8.count > 78 }
            #expect(long == nil, "\(long ?? "")")
            #expect(attachment.filename.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
            // Exactly three parts, whatever the data: a boundary can only come from us.
            #expect(all.components(separatedBy: "\r\n--" + MailMessage.alternativeBoundary + "\r\n").count == 3)
            #expect(all.components(separatedBy: "\r\n--" + MailMessage.mixedBoundary + "\r\n").count == 3)
            func normalised(_ s: String) -> String {
                let n = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                return n.hasSuffix("\n") ? n : n + "\n"
            }
            #expect(MailTestDecoding.decodedPart(rendered, type: "text/plain") == normalised(text))
            #expect(MailTestDecoding.decodedPart(rendered, type: "text/html") == normalised(html))
            let parts = MailTestDecoding.parts(MailTestDecoding.split(rendered).body, boundary: MailMessage.mixedBoundary)
            #expect(parts.last.flatMap { Data(base64Encoded: $0.content.replacingOccurrences(of: "\r\n", with: "")) } == Data(html.utf8))
        }
    }
}
