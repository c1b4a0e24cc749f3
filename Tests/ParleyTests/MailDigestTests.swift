import Foundation
import PQ
import Testing
@testable import Parley

/// What a digest says, from entries made by hand (the database side is in MailDatabaseTests).
@Suite struct MailDigestTests {
    static let writtenAt = Date(timeIntervalSince1970: 1_748_340_000)  // Tue 27 May 2025 10:00 UTC
    static let olena = DigestEntry.Recipient(personID: 1, email: "olena@mfa.example", name: "Olena Kovalenko", timezone: "Europe/Kyiv")
    static let istanbul = DigestEntry.Track(code: "istanbul", name: "Istanbul talks", timezone: "Europe/Istanbul")
    static let installation = UUID(uuidString: "7d2a4c1e-0000-4000-8000-000000000001")!
    static let renderer = DigestRenderer(
        from: MailAddress(displayName: "Parley", address: "parley@mfa.example")!, installation: installation)

    static func commitmentEntry(
        delivery: Int64, kind: DigestEntry.AlertKind, severity: DigestEntry.Severity, daysLeft: Int, dueOn: String,
        code: String, text: String = "Release 1,000 prisoners of war", classification: DigestEntry.Classification = .unclassified,
        shown: Bool = true, reason: String = "responsible"
    ) -> DigestEntry {
        let commitment = DigestEntry.Commitment(
            code: code, text: text, obligor: "Russia", beneficiaries: "Ukraine", madeOn: CalendarDate("2025-05-16"),
            dueOn: CalendarDate(dueOn), daysLeft: daysLeft, status: "partially_fulfilled", target: 1000, unit: "prisoners",
            delivered: 390, progressPercent: 39, owner: "Olena Kovalenko",
            lastUpdate: DigestEntry.Update(
                reportedOn: CalendarDate("2025-05-23")!, note: "First stage of the exchange", newStatus: "partially_fulfilled",
                delivered: 390, verification: "both_parties", reportedBy: "Ukraine",
                source: "Russia and Ukraine swap 390, Reuters, 2025-05-23", sourceURL: "https://example.org/swap"))
        return DigestEntry(
            deliveryID: delivery, alertID: delivery + 100, attempts: 1, recipient: olena, reason: reason, kind: kind,
            severity: severity, subjectType: "commitment", subjectID: delivery, subjectCode: code, occurrence: "x",
            dueAt: writtenAt.addingTimeInterval(-3600), escalated: false, classification: classification,
            details: shown ? DigestEntry.Details(
                track: istanbul, item: DigestEntry.Item(code: "pow-exchange", title: "Exchange of prisoners of war"),
                commitment: commitment) : nil)
    }

    static var threeAlerts: Digest {
        Digest(recipient: olena, entries: [
            commitmentEntry(delivery: 3, kind: .dueSoon, severity: .info, daysLeft: 1, dueOn: "2025-05-28", code: "ist-soon"),
            commitmentEntry(delivery: 1, kind: .overdue, severity: .warning, daysLeft: -2, dueOn: "2025-05-25", code: "ist-pow-ru"),
            commitmentEntry(delivery: 2, kind: .overdue, severity: .warning, daysLeft: -1, dueOn: "2025-05-26", code: "ist-pow-ua"),
        ], writtenAt: writtenAt)
    }

    @Test func theSubjectSaysWhatMatters() {
        #expect(Self.renderer.subject(for: Self.threeAlerts) == "[Parley] 2 overdue, 1 due tomorrow — Istanbul talks")
    }

    @Test func theBodyHasSectionsBySeverityAndEverythingAboutEachAlert() {
        let body = Self.renderer.body(for: Self.threeAlerts)
        let warning = try! #require(body.range(of: "WARNING (2)"))
        let info = try! #require(body.range(of: "INFO (1)"))
        #expect(warning.lowerBound < info.lowerBound)
        // The most overdue first.
        let first = try! #require(body.range(of: "[1] OVERDUE by 2 days — Istanbul talks — Exchange of prisoners of war"))
        let second = try! #require(body.range(of: "[2] OVERDUE by 1 day"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(body.contains("[3] DUE TOMORROW — Istanbul talks"))
        for expected in [
            "Obligor:     Russia, owed to Ukraine",
            "Commitment:  Release 1,000 prisoners of war",
            "Deadline:    end of Sun 25 May 2025 (Europe/Istanbul), 2 days overdue",
            "Progress:    390 of 1,000 prisoners (39 %); status partially fulfilled",
            "Last update: Fri 23 May 2025, 390 delivered, now partially fulfilled,",
            "\u{201C}First stage of the exchange\u{201D}",
            "Source: Russia and Ukraine swap 390, Reuters, 2025-05-23",
            "More:        select * from parley.open_commitments where code = 'ist-pow-ru';",
            "Acknowledge: select parley.acknowledge_alert(101);",
            "Parley alerts for Olena Kovalenko, Tue 27 May 2025 13:00 (Europe/Kyiv)",
        ] {
            #expect(body.contains(expected), "missing: \(expected)")
        }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        // Only the queries to paste into psql may be longer than the wrapping width.
        #expect(lines.filter { $0.count > 76 }.allSatisfy { $0.contains("select ") })
    }

    @Test func aboveTheCeilingOnlyTheExistenceAndTheViewAreMailed() {
        let secret = Self.commitmentEntry(
            delivery: 7, kind: .overdue, severity: .critical, daysLeft: -5, dueOn: "2025-05-22", code: "secret-code",
            text: "The secret text", classification: .confidential, shown: false)
        let dueTomorrow = Self.commitmentEntry(delivery: 3, kind: .dueSoon, severity: .info, daysLeft: 1, dueOn: "2025-05-28", code: "ist-soon")
        let digest = Digest(recipient: Self.olena, entries: [secret, dueTomorrow], writtenAt: Self.writtenAt)
        let subject = Self.renderer.subject(for: digest)
        let body = Self.renderer.body(for: digest)
        #expect(subject == "[Parley] 1 due tomorrow, 1 classified alert — Istanbul talks")
        #expect(body.contains("A CONFIDENTIAL alert (overdue): its details are not sent by e-mail."))
        #expect(body.contains("select * from parley.alerts where id = 107;"))
        #expect(!body.contains("secret-code"))
    }

    @Test func hostileTextStaysInTheBodyAsLines() throws {
        let word = String(repeating: "A", count: 2_000)
        let hostile = Self.commitmentEntry(
            delivery: 9, kind: .overdue, severity: .warning, daysLeft: -1, dueOn: "2025-05-26", code: "ist-x",
            text: "Release\r\nBcc: victim@evil.example\r\nSubject: pwned\0 \(word) end")
        let digest = Digest(recipient: Self.olena, entries: [hostile], writtenAt: Self.writtenAt)
        let message = Self.renderer.message(for: digest)
        let (headerLines, _) = MailTestDecoding.split(message.rendered())
        #expect(!MailTestDecoding.fieldNames(headerLines).contains("Bcc"))
        #expect(MailTestDecoding.fieldNames(headerLines).filter { $0 == "Subject" }.count == 1)
        let body = try #require(MailTestDecoding.decodedPart(message.rendered(), type: "text/plain"))
        #expect(body == Self.renderer.body(for: digest))
        #expect(!body.contains("\0") && !body.contains("\r"))
        #expect(body.contains("Commitment:  Release\n                 Bcc: victim@evil.example\n"))
        // The long word is cut into lines of the wrapping width, and nothing of it is lost.
        #expect(body.split(separator: "\n").allSatisfy { $0.count <= 76 || $0.contains("select ") })
        #expect(body.replacingOccurrences(of: "\n                 ", with: "").contains(word + " end"))
    }

    @Test func eachRecipientGetsTheirOwnDigest() {
        let mehmet = DigestEntry.Recipient(personID: 2, email: "mehmet@mfa.example", name: "Mehmet Çelik", timezone: "Europe/Istanbul")
        var forMehmet = Self.commitmentEntry(delivery: 4, kind: .overdue, severity: .warning, daysLeft: -2, dueOn: "2025-05-25", code: "ist-pow-ru", reason: "subscription")
        forMehmet.recipient = mehmet
        let digests = Digest.grouped(Self.threeAlerts.entries + [forMehmet], writtenAt: Self.writtenAt)
        #expect(digests.map(\.recipient.email) == ["olena@mfa.example", "mehmet@mfa.example"])
        #expect(digests.map(\.deliveryIDs) == [[1, 2, 3], [4]])
        let message = Self.renderer.message(for: digests[1])
        #expect(message.to.map(\.address) == ["mehmet@mfa.example"])
        #expect(message.messageID == MessageID.forDeliveries([4], installation: Self.installation, domain: "mfa.example"))
        #expect(Self.renderer.body(for: digests[1]).contains("to you as a subscriber"))
    }

    @Test func meetingsAndFollowUpsReadNaturally() {
        let meeting = DigestEntry(
            deliveryID: 20, alertID: 120, attempts: 1, recipient: Self.olena, reason: "responsible", kind: .meetingUpcoming,
            severity: .info, subjectType: "meeting", subjectID: 5, subjectCode: "ist-r2", occurrence: "x",
            dueAt: Self.writtenAt, escalated: false, classification: .unclassified,
            details: DigestEntry.Details(
                track: Self.istanbul,
                meeting: DigestEntry.Meeting(
                    code: "ist-r2", title: "Round 2", startsAt: Self.writtenAt.addingTimeInterval(2 * 86_400),
                    endsAt: Self.writtenAt.addingTimeInterval(2 * 86_400 + 7_200), location: "Çırağan Palace", status: "scheduled")))
        let followUp = DigestEntry(
            deliveryID: 21, alertID: 121, attempts: 1, recipient: Self.olena, reason: "responsible", kind: .followUpDue,
            severity: .warning, subjectType: "follow_up", subjectID: 12, subjectCode: "F12", occurrence: "x",
            dueAt: Self.writtenAt, escalated: false, classification: .unclassified,
            details: DigestEntry.Details(
                track: Self.istanbul,
                followUp: DigestEntry.FollowUp(note: "Chase the written ceasefire conditions", dueAt: Self.writtenAt,
                                               assignee: "Olena Kovalenko", about: "meeting ist-r2")))
        let digest = Digest(recipient: Self.olena, entries: [meeting, followUp], writtenAt: Self.writtenAt)
        #expect(Self.renderer.subject(for: digest) == "[Parley] 1 follow-up due, 1 meeting in 2 days — Istanbul talks")
        let body = Self.renderer.body(for: digest)
        #expect(body.contains("MEETING IN 2 DAYS — Istanbul talks — Round 2"))
        #expect(body.contains("When:        Thu 29 May 2025 13:00–15:00, Europe/Istanbul"))
        #expect(body.contains("Where:       Çırağan Palace"))
        #expect(body.contains("FOLLOW-UP DUE — Istanbul talks"))
        #expect(body.contains("To do:       Chase the written ceasefire conditions"))
        #expect(body.contains("Follow-up:   F12"))
        #expect(body.contains("select * from parley.follow_ups where coalesce(code, 'F' || id) = 'F12';"))
    }

    /// A meeting recorded at short notice is announced at once: the digest says the real time left, not "tomorrow".
    @Test func aMeetingWithinADaySaysHowManyHoursAreLeft() {
        func meeting(startingIn seconds: TimeInterval) -> Digest {
            let entry = DigestEntry(
                deliveryID: 30, alertID: 130, attempts: 1, recipient: Self.olena, reason: "responsible", kind: .meetingUpcoming,
                severity: .info, subjectType: "meeting", subjectID: 6, subjectCode: "ist-r3", occurrence: "x",
                dueAt: Self.writtenAt, escalated: false, classification: .unclassified,
                details: DigestEntry.Details(
                    track: Self.istanbul,
                    meeting: DigestEntry.Meeting(code: "ist-r3", title: "Round 3", startsAt: Self.writtenAt.addingTimeInterval(seconds),
                                                 status: "scheduled")))
            return Digest(recipient: Self.olena, entries: [entry], writtenAt: Self.writtenAt)
        }
        // 10:00 UTC on Tuesday; the meeting at 06:00 UTC on Wednesday, tomorrow on the Istanbul calendar.
        let tomorrowMorning = meeting(startingIn: 20 * 3_600)
        #expect(Self.renderer.body(for: tomorrowMorning).contains("MEETING IN 20 HOURS — Istanbul talks — Round 3"))
        #expect(Self.renderer.subject(for: tomorrowMorning) == "[Parley] 1 meeting in 20 hours — Istanbul talks")
        #expect(Self.renderer.body(for: meeting(startingIn: 40 * 60)).contains("MEETING IN 40 MINUTES — "))
        #expect(Self.renderer.body(for: meeting(startingIn: 3_600 + 600)).contains("MEETING IN 1 HOUR — "))
        // A day or more ahead, days on the track's calendar, as before.
        #expect(Self.renderer.body(for: meeting(startingIn: 30 * 3_600)).contains("MEETING TOMORROW — "))
        #expect(Self.renderer.body(for: meeting(startingIn: 3 * 86_400)).contains("MEETING IN 3 DAYS — "))
    }

    /// A breach ends the chase: the digest says so once, without counting days overdue or offering to acknowledge.
    @Test func aBreachIsToldAsTheEndOfTheChase() {
        let entry = Self.commitmentEntry(delivery: 40, kind: .breached, severity: .warning, daysLeft: -12, dueOn: "2025-05-15",
                                         code: "ist-truce-ru", reason: "alerted about overdue")
        let digest = Digest(recipient: Self.olena, entries: [entry], writtenAt: Self.writtenAt)
        #expect(Self.renderer.subject(for: digest) == "[Parley] 1 breached — Istanbul talks")
        let body = Self.renderer.body(for: digest)
        #expect(body.contains("[1] BREACHED: no more reminders — Istanbul talks — Exchange of prisoners of\n    war\n"))
        #expect(body.contains("Deadline:    end of Thu 15 May 2025 (Europe/Istanbul)\n"))
        #expect(!body.contains("days overdue") && !body.contains("Acknowledge:"))
        #expect(body.contains("to you as one told it was overdue"))
        #expect(body.contains("select * from parley.timeline where ref = 'ist-truce-ru';"))
    }

    @Test func numbersAndDatesAreWrittenTheSameEverywhere() {
        #expect(DigestFormat.number(1_000) == "1,000")
        #expect(DigestFormat.number(Decimal(string: "1234567.25")!) == "1,234,567.25")
        #expect(DigestFormat.number(-42) == "-42")
        #expect(DigestFormat.date(CalendarDate("2025-05-25")!) == "Sun 25 May 2025")
        #expect(DigestFormat.sqlLiteral("it's") == "'it''s'")
    }

    /// Weekdays and day counts are worked out by arithmetic; Foundation's Gregorian calendar says the same.
    @Test func daysAndWeekdaysAgreeWithFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        var generator = SystemRandomNumberGenerator()
        let reference = CalendarDate(year: 2025, month: 5, day: 25)
        var days = (0..<2000).map { _ in Int.random(in: -25_567...83_000, using: &generator) }  // 1900 to 2197
        days += [-25_508, -25_507, 11_015, 11_016, 11_017, 47_540, 47_541, 0, -1]  // around 1900, 2000, 2100's Feb 28
        for offset in days {
            let moment = Date(timeIntervalSince1970: Double(offset) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: moment)
            let day = CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)
            #expect(DigestFormat.daysSinceEpoch(day) == offset, "\(day)")
            #expect(DigestFormat.date(day).hasPrefix(weekdays[parts.weekday! - 1] + " "), "\(day)")
            let expected = calendar.dateComponents(
                [.day], from: reference.startOfDay(in: .gmt), to: day.startOfDay(in: .gmt)).day!
            #expect(DigestFormat.daysBetween(reference, day) == expected, "\(day)")
        }
    }
}

/// A severity's rank by a switch (issue 17) is its place in `allCases`, as it was.
@Suite struct SeverityRankTests {
    @Test func aRankIsThePlaceInAllCases() {
        for (index, severity) in DigestEntry.Severity.allCases.enumerated() {
            #expect(severity.rank == index, "\(severity)")
        }
    }
}

/// The progress bar's percentage without a decimal division for nothing or all delivered (issue 17), against the
/// division, for targets and quantities of every scale the database holds.
@Suite struct PercentShortcutTests {
    @Test func nothingAndAllDeliveredAreWhatTheDivisionGives() {
        let texts = ["1", "3", "7", "0.5", "0.001", "400", "400.00", "850", "1000", "1000.0", "12345.678", "99999999999",
                     "0.333333", "1e-10", "7e20", "123456789012345678", "2.50", "0.1"]
        var targets: [Decimal] = texts.compactMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
        for numeral in ["400", "400.00", "12.5", "0.010"] {
            if let value = try? Decimal.decode(postgresText: numeral, type: .numeric) { targets.append(value) }
        }
        for n in stride(from: 1, through: 1_000_000_000, by: 1_999_993) { targets.append(Decimal(n) / 1000) }
        for target in targets where target > 0 {
            #expect(DigestRenderer.percent(0, of: target) == DigestRenderer.dividedPercent(0, of: target), "0 of \(target)")
            #expect(DigestRenderer.percent(target, of: target) == DigestRenderer.dividedPercent(target, of: target),
                    "\(target) of \(target)")
            // The same value written with another scale (as numeric's text may give it) is equal too.
            let rescaled = target * 1
            #expect(DigestRenderer.percent(rescaled, of: target) == DigestRenderer.dividedPercent(rescaled, of: target))
            let half = target / 2
            #expect(DigestRenderer.percent(half, of: target) == DigestRenderer.dividedPercent(half, of: target))
        }
    }
}
