import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley alerts send` end to end: the built binary, a test database, the test sendmail, and Python's strict
/// MIME parser reading what was sent.
@Suite struct MailerSendTests {
    @Test func oneDigestPerRecipientWithTheRightAlertsAndNothingPrinted() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()

            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.isEmpty)

            let mails = try sandbox.accepted()
            #expect(mails.count == 2)
            #expect(try sandbox.argumentLists().allSatisfy { $0 == ["-t", "-oi"] })
            let deliveries = try MailerFixture.deliveries(connection)
            let toOlena = try #require(mails.first { $0.recipient == MailerFixture.olena })
            let toMehmet = try #require(mails.first { $0.recipient == MailerFixture.mehmet })
            #expect(toOlena.header("Subject") == "[Parley] 2 overdue, 1 due tomorrow — Istanbul talks")
            #expect(toMehmet.header("Subject") == "[Parley] 2 overdue — Istanbul talks")
            #expect(toOlena.deliveryIDs == deliveries[MailerFixture.olena])
            #expect(toMehmet.deliveryIDs == deliveries[MailerFixture.mehmet])
            for code in ["ist-pow-ru", "ist-pow-ua", "ist-bodies"] {
                #expect(toOlena.body.contains("'\(code)'"))
            }
            #expect(!toMehmet.body.contains("ist-bodies"))
            #expect(toOlena.body.contains("[1] OVERDUE by 3 days — Istanbul talks — Exchange of prisoners of war"))
            #expect(toOlena.body.contains("Progress:    390 of 1,000 prisoners (39 %); status partially fulfilled"))
            #expect(toOlena.body.contains("Source: Russia and Ukraine swap 390 prisoners, Reuters"))
            #expect(toOlena.body.contains("Deadline:    end of \(try MailerFixture.deadlineDay(connection, moments, offset: -3)) (Europe/Istanbul), 3 days overdue"))
            #expect(toOlena.body.contains("DUE TOMORROW — Istanbul talks"))

            // Marked sent with the Message-ID of the mail that carried each delivery; the run is recorded.
            let states = try MailerFixture.deliveryStates(connection)
            for mail in mails {
                for id in mail.deliveryIDs {
                    #expect(states[id]?.state == "sent")
                    #expect(states[id]?.messageID == mail.header("Message-ID"))
                }
            }
            let recorded = try connection.query("select claimed, sent, failed, exit_status from parley.mailer_runs")
            #expect(recorded.rowCount == 1)
            #expect(try recorded[0].decode("claimed", as: Int.self) == 5)
            #expect(try recorded[0].decode("sent", as: Int.self) == 5)
            #expect(try recorded[0].decode("exit_status", as: Int.self) == 0)

            // Nothing is sent twice.
            let again = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(60)], environment: sandbox.environment(database))
            #expect(again.status == 0 && again.stdout.isEmpty && again.stderr.isEmpty)
            #expect(try sandbox.files("attempts").count == 2)
        }
    }

    @Test func messagesParseStrictlyAndTheirHeadersDecodeToTheRightText() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            try connection.execute("""
                select parley.add_person(email => 'ayse@mfa.example', name => 'Ayşe Yılmaz — Київ desk',
                                         timezone => 'Europe/Istanbul', clearance => 'restricted')
                """)
            try connection.execute("select parley.update_track(track => 'istanbul', name => 'Çırağan talks (Türkiye)')")
            try connection.execute("select parley.add_subscription(person => 'ayse@mfa.example', track => 'istanbul')")
            try MailerFixture.plan(connection, at: moments.planned)
            let sandbox = try MailerFixture.Sandbox()

            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0, "\(run.stderr)")
            let mails = try sandbox.accepted()
            #expect(mails.count == 3)
            for mail in mails {
                #expect(mail.error == nil, "\(mail.error ?? "")")
                #expect(mail.defects.isEmpty, "\(mail.defects)")
                // Text and HTML as alternatives, the text first; the text part is UTF-8.
                #expect(mail.contentType == "multipart/alternative")
                #expect(mail.parts == ["multipart/alternative", "text/plain", "text/html"])
                #expect(mail.charset == "utf-8")
                #expect(mail.html != nil)
                #expect(mail.header("MIME-Version") == "1.0")
                #expect(mail.header("Content-Transfer-Encoding") == "7bit")
                #expect(mail.header("Auto-Submitted") == "auto-generated")
                #expect(mail.header("From") == "Parley Alerts <parley@mfa.example>")
                #expect(mail.header("Date")?.hasSuffix("+0000") == true)
                #expect(mail.header("Message-ID")?.wholeMatch(of: /<parley\.[0-9]+-[0-9]+-[0-9]+\.[0-9a-f]{16}@mfa\.example>/) != nil)
                #expect(mail.maxLine <= 78)
                #expect(mail.headerLines.allSatisfy { $0.unicodeScalars.allSatisfy { (0x20...0x7e).contains($0.value) } })
            }
            let toAyse = try #require(mails.first { $0.recipient == "ayse@mfa.example" })
            #expect(toAyse.toNames == ["Ayşe Yılmaz — Київ desk"])
            #expect(toAyse.header("Subject") == "[Parley] 2 overdue, 1 due tomorrow — Çırağan talks (Türkiye)")
            #expect(toAyse.body.contains("Parley alerts for Ayşe Yılmaz — Київ desk"))
            #expect(toAyse.body.contains("Obligor:     Russia, owed to Ukraine"))
            #expect(toAyse.html?.contains("Ayşe Yılmaz — Київ desk") == true)
        }
    }

    @Test func hostileDataCannotInjectOrBreakAHeader() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let word = String(repeating: "W", count: 2_000)
            let hostile = "Release them\r\nBcc: victim@evil.example\r\nSubject: pwned\r\n\r\nand \(word) too"
                + " <script>alert('x')</script> \"quoted\" & \u{202E}reversed\u{200F}"
            let moments = try MailerFixture.istanbul(on: connection) { connection, day in
                try MailerFixture.addCommitment(
                    connection, code: "ist-hostile", obligor: "RU", beneficiary: "UA", dueOn: day, offset: -2, text: hostile)
                try connection.execute(
                    "select parley.record_update(commitment => 'ist-hostile', note => $1)", ["Note\r\nTo: x@evil.example \(word)"])
            }
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0, "\(run.stderr)")
            let mails = try sandbox.accepted()
            #expect(mails.count == 2)
            for mail in mails {
                #expect(mail.error == nil && mail.defects.isEmpty)
                #expect(mail.headers["Bcc"] == nil)
                #expect(mail.headers["Subject"]?.count == 1)
                #expect(mail.headers["To"]?.count == 1)
                #expect(mail.toAddresses.count == 1)
                #expect(mail.header("Subject")?.contains("pwned") == false)
                #expect(mail.maxLine <= 78)
                // The text is all there, in the body, as lines.
                #expect(mail.body.contains("Commitment:  Release them\n                 Bcc: victim@evil.example\n                 Subject: pwned\n"))
                #expect(mail.body.replacingOccurrences(of: "\n                 ", with: "").contains(word + " too"))
                #expect(!mail.body.contains("\r"))
            }
            // The HTML part holds the same text as text: it parses strictly, has no script, and says it back.
            let htmlParts = mails.compactMap(\.html)
            #expect(htmlParts.count == 2)
            for check in try HTMLCheck.run(htmlParts) {
                #expect(check.error == nil, "\(check.error ?? "")")
                #expect(check.scripts == 0 && check.eventAttributes == 0 && check.loaded.isEmpty)
                #expect(check.text.contains("<script>alert('x')</script> \"quoted\" & \u{202E}reversed\u{200F}"))
                #expect(check.text.contains(word + " too"))
            }
            #expect(mails.first { $0.recipient == MailerFixture.olena }?.header("Subject")
                == "[Parley] 3 overdue, 1 due tomorrow — Istanbul talks")
            #expect(try sandbox.argumentLists().allSatisfy { $0 == ["-t", "-oi"] })
        }
    }

    @Test func verboseSaysWhatWasSent() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--verbose", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0)
            #expect(run.stderr.isEmpty)
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines.contains { $0.hasPrefix("sent 3 alerts to olena@mfa.example as <parley.") })
            #expect(lines.contains { $0.hasPrefix("sent 2 alerts to mehmet@mfa.example as <parley.") })
            #expect(lines.last == "claimed 5, sent 5, failed 0")
        }
    }
}
