import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// What the mailer sends with an upcoming meeting, and the HTML part of a digest read in a real browser.
@Suite struct MailerBriefTests {
    /// The Istanbul world of the mailer tests, with round 4 starting a day after the planned moment: Olena, the
    /// track's lead, gets the upcoming-meeting alert (two days ahead).
    static func withRound4(_ connection: Connection, classified: Bool) throws -> MailerFixture.Moments {
        try MailerFixture.istanbul(on: connection) { connection, day in
            try connection.execute(
                "select parley.add_meeting(code => 'ist-r4', track => 'istanbul', title => 'Istanbul talks, round 4', "
                    + "starts_at => ($1::date + 1 + time '11:00') at time zone 'Europe/Istanbul', location => 'Çırağan Palace')",
                [day])
            if classified {
                try MailerFixture.addCommitment(
                    connection, code: "ist-conf", obligor: "RU", beneficiary: "UA", dueOn: day, offset: 30,
                    text: "Confidential side arrangement", classification: "confidential")
            }
        }
    }

    @Test func aBriefWithinTheCeilingIsAttachedToTheMeetingsDigest() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try Self.withRound4(connection, classified: false)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0, "\(run.stderr)")
            let olena = try #require(try sandbox.accepted().first { $0.recipient == MailerFixture.olena })
            #expect(olena.error == nil && olena.defects.isEmpty, "\(olena.error ?? "") \(olena.defects)")
            #expect(olena.parts == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/html"])
            #expect(olena.maxLine <= 78)
            let attachment = try #require(olena.attachments.first)
            #expect(attachment.filename == "brief-ist-r4.html")
            #expect(olena.body.contains("Brief:       attached: brief-ist-r4.html, marked UNCLASSIFIED"))
            // The brief itself: the meeting's, complete, marked, parsing without error.
            let check = try #require(try HTMLCheck.run([attachment.content]).first)
            #expect(check.error == nil, "\(check.error ?? "")")
            #expect(check.title == "Brief: Istanbul talks, round 4 — UNCLASSIFIED")
            for code in ["ist-pow-ru", "ist-pow-ua", "ist-bodies"] { #expect(check.text.contains(code)) }
            // Mehmet (subscribed from warning up) gets no meeting alert, so no brief.
            let mehmet = try #require(try sandbox.accepted().first { $0.recipient == MailerFixture.mehmet })
            #expect(mehmet.attachments.isEmpty)
        }
    }

    @Test func aBriefAboveTheCeilingIsNotMailedButNamed() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try Self.withRound4(connection, classified: true)
            let sandbox = try MailerFixture.Sandbox()
            // Olena is cleared for secret, but mail carries at most restricted: the confidential brief stays home.
            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0, "\(run.stderr)")
            let olena = try #require(try sandbox.accepted().first { $0.recipient == MailerFixture.olena })
            #expect(olena.attachments.isEmpty)
            #expect(olena.parts == ["multipart/alternative", "text/plain", "text/html"])
            let said = olena.body.replacingOccurrences(of: "\n                 ", with: " ")
            #expect(said.contains("Brief:       not attached, as it holds material above what may be e-mailed to you; write it with parley brief ist-r4"))
            #expect(!olena.body.contains("Confidential side arrangement") && olena.html?.contains("Confidential side arrangement") == false)
        }
        // With the ceiling raised to confidential, it goes, marked so.
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try Self.withRound4(connection, classified: true)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--at", moments.at()],
                environment: sandbox.environment(database, ["PARLEY_MAIL_MAX_CLASSIFICATION": "confidential"]))
            #expect(run.status == 0, "\(run.stderr)")
            let olena = try #require(try sandbox.accepted().first { $0.recipient == MailerFixture.olena })
            #expect(olena.attachments.first?.content.contains("Confidential side arrangement") == true)
            #expect(olena.body.contains("marked CONFIDENTIAL"))
        }
    }

    @Test func theHTMLPartOfADigestReadsAndPrintsInABrowser() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0, "\(run.stderr)")
            let olena = try #require(try sandbox.accepted().first { $0.recipient == MailerFixture.olena })
            let html = try #require(olena.html)
            let check = try #require(try HTMLCheck.run([html]).first)
            #expect(check.error == nil, "\(check.error ?? "")")
            #expect(check.scripts == 0 && check.loaded.isEmpty)

            let rendered = try RenderedPage.render(html, name: "digest", in: sandbox.directory, width: 1100, height: 900)
            #expect(rendered.inkShare > 0.03, "ink \(rendered.inkShare)")
            #expect(rendered.colours > 10)
            #expect((1...3).contains(rendered.pages.count), "\(rendered.pages.count) pages")
            let text = rendered.readingOrder
            for expected in [
                "Parley alerts for Olena Kovalenko", "WARNING (2)", "INFO (1)", "Release 1,000 Ukrainian prisoners of war",
                "ist-pow-ru", "Russia → Ukraine", "3 days overdue", "390 of 1,000 prisoners (39 %)", "parley alerts ack",
                "Deadline (your time, Europe/Kyiv)",
            ] {
                #expect(text.contains(expected), "the printed digest does not say: \(expected)")
            }
        }
    }
}
