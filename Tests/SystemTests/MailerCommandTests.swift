import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Exit statuses, the classification ceiling, `--to-dir`, `--dry-run` and `parley digest`.
@Suite struct MailerCommandTests {
    @Test func theClassificationCeilingKeepsDetailsOutOfMail() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection) { connection, day in
                try MailerFixture.addCommitment(
                    connection, code: "ist-side-letter", obligor: "RU", beneficiary: "UA", dueOn: day, offset: -2,
                    text: "Side letter on the Zaporizhzhia plant", classification: "confidential")
            }
            let sandbox = try MailerFixture.Sandbox()
            let secretAlert: Int64 = try connection.value(
                "select id from parley_data.alerts where subject_code = 'ist-side-letter'")

            // The mailer's own setting cannot go above the administrator's ceiling (restricted unless raised).
            let capped = try ProgramRun.run(
                "parley", ["digest", "--for", MailerFixture.olena, "--at", moments.at()],
                environment: sandbox.environment(database, ["PARLEY_MAIL_MAX_CLASSIFICATION": "confidential"]))
            #expect(capped.status == 0)
            #expect(!capped.stdout.contains("Zaporizhzhia"))
            try connection.execute("select parley.set_mail_ceiling('confidential')")

            // With a ceiling of confidential the digest shows it in full; with the default (restricted) it does not.
            let open = try ProgramRun.run(
                "parley", ["digest", "--for", MailerFixture.olena, "--at", moments.at()],
                environment: sandbox.environment(database, ["PARLEY_MAIL_MAX_CLASSIFICATION": "confidential"]))
            #expect(open.status == 0)
            #expect(open.stdout.contains("Commitment:  Side letter on the Zaporizhzhia plant"))
            #expect(open.stdout.hasPrefix("To: Olena Kovalenko <olena@mfa.example>\nSubject: [Parley] 3 overdue, 1 due tomorrow — Istanbul talks\n"))
            let closed = try ProgramRun.run(
                "parley", ["digest", "--for", MailerFixture.olena, "--at", moments.at()], environment: sandbox.environment(database))
            #expect(closed.status == 0)
            #expect(!closed.stdout.contains("Zaporizhzhia"))

            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0, "\(run.stderr)")
            let mails = try sandbox.accepted()
            let toOlena = try #require(mails.first { $0.recipient == MailerFixture.olena })
            #expect(toOlena.header("Subject") == "[Parley] 2 overdue, 1 due tomorrow, 1 classified alert — Istanbul talks")
            #expect(toOlena.body.contains("A CONFIDENTIAL alert (overdue): its details are not sent by e-mail."))
            #expect(toOlena.body.contains("select * from parley.alerts where id = \(secretAlert);"))
            let raw = try sandbox.files("accepted").map { try String(contentsOf: $0, encoding: .utf8) }.joined()
            #expect(!raw.contains("ist-side-letter"))
            #expect(!raw.contains("Zaporizhzhia"))
            // Mehmet is not cleared for it at all: planning gave him no delivery.
            #expect(mails.first { $0.recipient == MailerFixture.mehmet }?.body.contains("CONFIDENTIAL") == false)
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy { $0.state == "sent" })
        }
    }

    @Test func nothingDueIsSilentSuccess() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            // The alerts are planned ten days ahead: by the database clock, none is due yet.
            let run = try ProgramRun.run("parley", ["alerts", "send"], environment: sandbox.environment(database))
            #expect(run.status == 0)
            #expect(run.stdout.isEmpty && run.stderr.isEmpty)
            #expect(try sandbox.files("attempts").isEmpty)
        }
    }

    @Test func aMissingSendmailIsStatus69AndClaimsNothing() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--at", moments.at()],
                environment: sandbox.environment(database, ["PARLEY_SENDMAIL": "/nonexistent/sbin/sendmail"]))
            #expect(run.status == Sysexits.unavailable)
            #expect(run.stderr.contains("/nonexistent/sbin/sendmail does not exist"))
            #expect(run.stderr.contains("PARLEY_SENDMAIL"))
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy { $0.state == "pending" && $0.attempts == 0 })
            let status: Int = try connection.value("select exit_status from parley.mailer_runs")
            #expect(status == Int(Sysexits.unavailable))
        }
    }

    @Test(arguments: [
        ("PARLEY_MAIL_MAX_CLASSIFICATION", "cosmic"),
        ("PARLEY_MAIL_FROM", "Parley <parley at mfa>"),
        ("PARLEY_SENDMAIL_TIMEOUT", "forever"),
        ("PARLEY_SENDMAIL", "sendmail"),
        ("PARLEY_MAIL_CONCURRENCY", "0"),
    ])
    func aBadSettingIsStatus78NamingIt(_ variable: String, _ value: String) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database, [variable: value]))
            #expect(run.status == Sysexits.config)
            #expect(run.stderr.hasPrefix("parley: \(variable):"))
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy { $0.attempts == 0 })
        }
    }

    @Test func sendmailKilledByASignalOrTimedOutIsATemporaryFailure() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let signalled = try ProgramRun.run(
                "parley", ["alerts", "send", "--at", moments.at()],
                environment: sandbox.environment(database, ["FAKE_SENDMAIL_MODE": "signal"]))
            #expect(signalled.status == Sysexits.temporaryFailure)
            #expect(signalled.stderr.isEmpty)
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy {
                $0.state == "pending" && $0.lastError?.contains("killed by signal 15") == true
            })

            let started = ContinuousClock.now
            let hung = try ProgramRun.run(
                "parley", ["alerts", "send", "--at", moments.at(60)],
                environment: sandbox.environment(database, ["FAKE_SENDMAIL_MODE": "hang", "PARLEY_SENDMAIL_TIMEOUT": "1"]))
            #expect(hung.status == Sysexits.temporaryFailure)
            #expect(ContinuousClock.now - started < .seconds(15))
            // One sendmail hung and was killed; the run stopped trying and gave the other recipient's deliveries
            // back without counting an attempt (they keep the first run's error).
            #expect(try sandbox.files("attempts").count == 2 + 1)
            let states = try MailerFixture.deliveryStates(connection).values
            let timedOut = states.filter { $0.lastError?.contains("did not finish within 1 s and was killed") == true }
            #expect(timedOut.count == 3)
            #expect(timedOut.allSatisfy { $0.state == "pending" && $0.attempts == 2 })
            let handedBack = states.filter { $0.lastError?.contains("killed by signal 15") == true }
            #expect(handedBack.count == 2)
            #expect(handedBack.allSatisfy { $0.state == "pending" && $0.attempts == 1 })
        }
    }

    @Test func toDirWritesOneFilePerMessageAndMarksThemSent() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let outbox = sandbox.directory.appendingPathComponent("outbox")
            try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)

            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--to-dir", outbox.path, "--at", moments.at()],
                environment: sandbox.environment(database, ["PARLEY_SENDMAIL": "/nonexistent/sendmail"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.isEmpty && run.stderr.isEmpty)
            let files = try FileManager.default.contentsOfDirectory(at: outbox, includingPropertiesForKeys: nil)
            #expect(files.count == 2)
            #expect(files.allSatisfy { $0.pathExtension == "eml" })
            let mails = try MailerFixture.parse(files)
            #expect(mails.allSatisfy { $0.error == nil && $0.defects.isEmpty })
            #expect(try Data(contentsOf: files[0]).contains(Data("\r\n".utf8)))
            let states = try MailerFixture.deliveryStates(connection)
            for mail in mails {
                let id = try #require(mail.header("Message-ID"))
                #expect(mail.path.hasSuffix(id.dropFirst().prefix { $0 != "@" } + ".eml"))
                #expect(mail.deliveryIDs.allSatisfy { states[$0]?.state == "sent" && states[$0]?.messageID == id })
            }

            let unusable = try ProgramRun.run(
                "parley", ["alerts", "send", "--to-dir", "/nonexistent/outbox", "--at", moments.at()],
                environment: sandbox.environment(database))
            #expect(unusable.status == Sysexits.cannotCreate)
        }
    }

    @Test func dryRunPrintsTheMessagesAndChangesNothing() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--dry-run", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0)
            #expect(run.stderr.isEmpty)
            #expect(run.stdout.components(separatedBy: "\nFrom parley@localhost ").count == 2)
            #expect(run.stdout.hasPrefix("From parley@localhost "))
            #expect(run.stdout.contains("To: Olena Kovalenko <olena@mfa.example>"))
            #expect(run.stdout.contains("Content-Transfer-Encoding: quoted-printable"))
            #expect(try sandbox.files("attempts").isEmpty)
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy { $0.state == "pending" && $0.attempts == 0 })
            let runs: Int = try connection.value("select count(*)::int from parley.mailer_runs")
            #expect(runs == 0)

            // The preview names the digest as the send will: the Message-ID shown is the one the MTA gets.
            let previewed = run.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("Message-ID: ") }
            #expect(previewed.count == 2)
            let sent = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(sent.status == 0)
            let accepted = try sandbox.accepted()
            #expect(accepted.map { "Message-ID: " + ($0.header("Message-ID") ?? "none") }.sorted() == previewed.sorted())

            let usage = try ProgramRun.run("parley", ["alerts", "send", "--limit", "0"], environment: sandbox.environment(database))
            #expect(usage.status == Sysexits.usage)
        }
    }

    @Test func limitCapsARun() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--limit", "2", "--at", moments.at()], environment: sandbox.environment(database))
            #expect(run.status == 0)
            #expect(try sandbox.accepted().flatMap(\.deliveryIDs).count == 2)
            #expect(try MailerFixture.deliveryStates(connection).values.filter { $0.state == "sent" }.count == 2)
        }
    }

    @Test func digestPrintsWithoutSendingOrMarking() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            var environment = sandbox.environment(database)
            environment.removeValue(forKey: "PARLEY_MAIL_FROM")

            let all = try ProgramRun.run("parley", ["digest", "--at", moments.at()], environment: environment)
            #expect(all.status == 0, "\(all.stderr)")
            #expect(all.stdout.contains("To: Olena Kovalenko <olena@mfa.example>\nSubject: [Parley] 2 overdue, 1 due tomorrow — Istanbul talks\n\nParley alerts for Olena Kovalenko"))
            #expect(all.stdout.contains("To: Mehmet Çelik <mehmet@mfa.example>\nSubject: [Parley] 2 overdue — Istanbul talks"))
            #expect(all.stdout.contains("Commitment:  Release 1,000 Ukrainian prisoners of war"))

            let one = try ProgramRun.run("parley", ["digest", "--for", "MEHMET@mfa.example", "--at", moments.at()], environment: environment)
            #expect(one.status == 0)
            #expect(one.stdout.hasPrefix("To: Mehmet Çelik <mehmet@mfa.example>\n"))
            #expect(!one.stdout.contains("olena@mfa.example>"))

            let nobody = try ProgramRun.run("parley", ["digest", "--for", "nobody@mfa.example", "--at", moments.at()], environment: environment)
            #expect(nobody.status == Sysexits.dataError)
            #expect(nobody.stderr.contains("nobody@mfa.example"))

            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy { $0.state == "pending" && $0.attempts == 0 })
            #expect(try sandbox.files("attempts").isEmpty)

            // Once sent, there is nothing left to print.
            _ = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: sandbox.environment(database))
            let after = try ProgramRun.run("parley", ["digest", "--at", moments.at(60)], environment: environment)
            #expect(after.status == 0 && after.stdout.isEmpty)
        }
    }

    @Test func settingsComeFromTheEnvironmentFileWhenCronSetsNone() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let file = sandbox.directory.appendingPathComponent("parley.env")
            try """
                # as an operator writes it for systemd's EnvironmentFile=
                PARLEY_MAIL_FROM="Parley Alerts MFA <alerts@mfa.example>"
                PARLEY_SENDMAIL=\(sandbox.sendmail.path)
                PARLEY_MAIL_MAX_CLASSIFICATION=restricted
                PARLEY_DATABASE_URL=dbname=nonexistent_database
                """.write(to: file, atomically: true, encoding: .utf8)
            var environment = sandbox.environment(database)
            environment.removeValue(forKey: "PARLEY_MAIL_FROM")
            environment.removeValue(forKey: "PARLEY_SENDMAIL")
            environment["PARLEY_ENV_FILE"] = file.path
            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            let mails = try sandbox.accepted()
            #expect(mails.count == 2)
            #expect(mails.allSatisfy { $0.header("From") == "Parley Alerts MFA <alerts@mfa.example>" })
            // What the environment sets wins over the file (the database URL here).
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy { $0.state == "sent" })

            try "not a setting\n".write(to: file, atomically: true, encoding: .utf8)
            let broken = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: environment)
            #expect(broken.status == Sysexits.config)
            #expect(broken.stderr.contains(file.path + ":1"))
        }
    }

    @Test func theMailerNeedsNoMoreThanTheDaemonRole() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let role = "mailer_" + database.name
            try connection.execute("create role \(try connection.escapeIdentifier(role)) login in role parley_daemon")
            let sandbox = try MailerFixture.Sandbox()
            var environment = sandbox.environment(database)
            environment["PARLEY_DATABASE_URL"] = "dbname=\(database.name) user=\(role)"
            let run = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try sandbox.accepted().count == 2)
            let by: String = try connection.value("select run_by::text from parley.mailer_runs")
            #expect(by == role)
            let digest = try ProgramRun.run("parley", ["digest", "--at", moments.at()], environment: environment)
            #expect(digest.status == 0, "\(digest.stderr)")
        }
    }
}
