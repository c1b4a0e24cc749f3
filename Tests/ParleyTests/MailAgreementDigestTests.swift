import Foundation
import PQ
import Testing
@testable import Parley

/// What a digest says about agreements: a term ending, the last day to object to an automatic renewal, a term ended
/// with no renewal, a party suspending or withdrawing, in the text and the HTML parts (from entries made by hand; the
/// database side is in MailAgreementDatabaseTests).
@Suite struct MailAgreementDigestTests {
    static let writtenAt = MailDigestTests.writtenAt  // Tue 27 May 2025 10:00 UTC
    static let renderer = MailDigestTests.renderer

    /// The text body with its wrapped lines joined (a heading continues after 4 spaces, a detail after 17), so that
    /// a sentence can be looked for whatever the width cut it at.
    static func unwrappedBody(_ digest: Digest) -> String {
        renderer.body(for: digest).replacingOccurrences(of: "\n                 ", with: " ")
            .replacingOccurrences(of: "\n    ", with: " ")
    }

    static func agreementEntry(
        delivery: Int64, kind: DigestEntry.AlertKind, severity: DigestEntry.Severity, daysLeft: Int?,
        renewal: String = "by decision", objectBy: String? = nil, event: String? = nil
    ) -> DigestEntry {
        let agreement = DigestEntry.Agreement(
            code: "ist-humanitarian", title: "Humanitarian arrangements of round 2", kind: "agreement",
            status: "in_force", timezone: "Europe/Istanbul",
            parties: "Russia (signatory), Ukraine (signatory), Türkiye (mediator)", termNumber: 2,
            termEndsOn: CalendarDate("2025-05-30"), termEndAt: Date(timeIntervalSince1970: 1_748_638_800),
            termDaysLeft: daysLeft, renewal: renewal, objectionDeadlineOn: objectBy.flatMap(CalendarDate.init),
            event: event, eventSource: event == nil ? nil : "Kremlin readout, Kremlin, 2025-05-27",
            eventSourceURL: event == nil ? nil : "https://example.org/readout")
        return DigestEntry(
            deliveryID: delivery, alertID: delivery + 100, attempts: 1, recipient: MailDigestTests.olena,
            reason: "responsible", kind: kind, severity: severity, subjectType: "agreement", subjectID: 9,
            subjectCode: "ist-humanitarian", occurrence: "x", dueAt: writtenAt.addingTimeInterval(-60), escalated: false,
            classification: .unclassified,
            details: DigestEntry.Details(track: MailDigestTests.istanbul, agreement: agreement))
    }

    @Test func aTermEndingSaysWhenOnTheAgreementsClockAndHowItRenews() {
        let digest = Digest(recipient: MailDigestTests.olena, entries: [
            Self.agreementEntry(delivery: 1, kind: .termEnding, severity: .info, daysLeft: 3),
        ], writtenAt: Self.writtenAt)
        #expect(Self.renderer.subject(for: digest) == "[Parley] 1 agreement term ending in 3 days — Istanbul talks")
        let body = Self.unwrappedBody(digest)
        for expected in [
            "[1] AGREEMENT TERM ENDS IN 3 DAYS — Istanbul talks — Humanitarian arrangements of round 2",
            "Agreement:   Humanitarian arrangements of round 2 (ist-humanitarian),",
            "Parties:     Russia (signatory), Ukraine (signatory), Türkiye (mediator)",
            "Term:        term 2, last day Fri 30 May 2025 (Europe/Istanbul), 3 days",
            "renews by decision",
            "More:        select * from parley.agreement_terms where agreement = 'ist-humanitarian';",
            "to you as the one who follows the agreement",
        ] {
            #expect(body.contains(expected), "missing: \(expected)\n\(body)")
        }
    }

    @Test func theLastDayToObjectIsAWarningWithItsDay() {
        let digest = Digest(recipient: MailDigestTests.olena, entries: [
            Self.agreementEntry(delivery: 2, kind: .objectionDeadline, severity: .warning, daysLeft: 3,
                                renewal: "automatic", objectBy: "2025-05-28"),
        ], writtenAt: Self.writtenAt)
        let body = Self.unwrappedBody(digest)
        #expect(body.contains("[1] LAST DAY TO OBJECT TO RENEWAL TOMORROW — Istanbul talks"))
        #expect(body.contains("Object by:   end of Wed 28 May 2025 (Europe/Istanbul), or it renews"))
        #expect(body.contains("renews automatically"))
        let html = Self.renderer.html(for: digest)
        #expect(html.contains("objections by the end of Wed 28 May 2025 in Europe/Istanbul"))
        #expect(html.contains("parley agreements show ist-humanitarian"))
    }

    @Test func aWithdrawalIsCriticalAndSaysWhatHappenedWithItsSource() {
        let event = "Russia withdrew from the agreement (announced 2025-05-26, effective 2025-05-27): lists not honoured"
        let digest = Digest(recipient: MailDigestTests.olena, entries: [
            Self.agreementEntry(delivery: 3, kind: .termEnding, severity: .info, daysLeft: 3),
            Self.agreementEntry(delivery: 4, kind: .agreementWithdrawal, severity: .critical, daysLeft: 3, event: event),
        ], writtenAt: Self.writtenAt)
        #expect(Self.renderer.subject(for: digest)
                == "[Parley] 1 withdrawal from an agreement, 1 agreement term ending in 3 days — Istanbul talks")
        let body = Self.unwrappedBody(digest)
        let critical = try! #require(body.range(of: "CRITICAL (1)"))
        let info = try! #require(body.range(of: "INFO (1)"))
        #expect(critical.lowerBound < info.lowerBound)
        #expect(body.contains("[1] WITHDRAWAL FROM AN AGREEMENT — Istanbul talks — Humanitarian arrangements"))
        #expect(body.contains("What:        Russia withdrew from the agreement (announced 2025-05-26,"))
        #expect(body.contains("Source: Kremlin readout, Kremlin, 2025-05-27"))
        #expect(body.contains("select * from parley.agreement_parties where agreement = 'ist-humanitarian';"))
        let html = Self.renderer.html(for: digest)
        #expect(html.contains("lists not honoured"))
        #expect(html.contains("href=\"https://example.org/readout\""))
    }

    @Test func aTermEndedWithoutRenewalSaysSo() {
        let digest = Digest(recipient: MailDigestTests.olena, entries: [
            Self.agreementEntry(delivery: 5, kind: .termExpired, severity: .warning, daysLeft: -1),
        ], writtenAt: Self.writtenAt)
        let body = Self.unwrappedBody(digest)
        #expect(body.contains("[1] AGREEMENT TERM ENDED, NO RENEWAL RECORDED"))
        #expect(body.contains("ended 1 day ago"))
        #expect(Self.renderer.subject(for: digest).hasPrefix("[Parley] 1 agreement term ended, no renewal"))
    }
}
