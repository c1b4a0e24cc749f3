import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// At least once, never twice at once, never lost: retries, overlapping runs, a run killed mid-way, back-off and
/// the final failure.
@Suite struct MailerRetryTests {
    @Test func aRetryCarriesTheSameMessageID() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let failForOlena = sandbox.environment(database, ["FAKE_SENDMAIL_MODE": "fail", "FAKE_SENDMAIL_FAIL_TO": "olena@"])

            let first = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: failForOlena)
            #expect(first.status == Sysexits.temporaryFailure)
            // A temporary failure is retried: nothing for cron to mail.
            #expect(first.stdout.isEmpty && first.stderr.isEmpty)
            let olenas = try #require(try MailerFixture.deliveries(connection)[MailerFixture.olena])
            var states = try MailerFixture.deliveryStates(connection)
            for id in olenas {
                #expect(states[id]?.state == "pending")
                #expect(states[id]?.attempts == 1)
                #expect(states[id]?.sendAfter == moments.planned.addingTimeInterval(60))
                #expect(states[id]?.lastError?.contains("relay refused the message") == true)
            }
            let attempted = try #require(try sandbox.attempted().first { $0.recipient == MailerFixture.olena })

            // Not before the back-off has passed.
            let early = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(30)], environment: sandbox.environment(database))
            #expect(early.status == 0)
            #expect(try sandbox.accepted().filter { $0.recipient == MailerFixture.olena }.isEmpty)

            let retry = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(61)], environment: sandbox.environment(database))
            #expect(retry.status == 0 && retry.stderr.isEmpty)
            let sent = try #require(try sandbox.accepted().first { $0.recipient == MailerFixture.olena })
            #expect(sent.header("Message-ID") == attempted.header("Message-ID"))
            #expect(sent.deliveryIDs == olenas)
            states = try MailerFixture.deliveryStates(connection)
            for id in olenas {
                #expect(states[id]?.state == "sent")
                #expect(states[id]?.attempts == 2)
                #expect(states[id]?.messageID == sent.header("Message-ID"))
            }
        }
    }

    @Test func twoRunsStartedTogetherSendEachDeliveryOnce() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection) { connection, _ in
                for n in 1...12 {
                    let email = "desk\(n)@mfa.example"
                    try connection.execute(
                        "select parley.add_person(email => $1, name => $2, clearance => 'restricted')", [email, "Desk \(n)"])
                    try connection.execute("select parley.add_subscription(person => $1, track => 'istanbul')", [email])
                }
            }
            let sandbox = try MailerFixture.Sandbox()
            let environment = sandbox.environment(database, ["FAKE_SENDMAIL_SLEEP": "0.05"])
            let at = moments.at()
            let runs = try concurrently(2) { _ in
                try ProgramRun.run("parley", ["alerts", "send", "--at", at], environment: environment)
            }
            #expect(runs.allSatisfy { $0.status == 0 && $0.stderr.isEmpty })

            let all = try MailerFixture.deliveries(connection).values.flatMap { $0 }.sorted()
            #expect(all.count == 5 + 12 * 3)
            let carried = try sandbox.accepted().flatMap(\.deliveryIDs).sorted()
            #expect(carried == all, "every delivery exactly once")
            let states = try MailerFixture.deliveryStates(connection)
            #expect(states.values.allSatisfy { $0.state == "sent" && $0.attempts == 1 })
            let claimed: Int = try connection.value("select sum(claimed)::int from parley.mailer_runs")
            #expect(claimed == all.count)
        }
    }

    @Test func aRunKilledBetweenClaimAndMarkIsRetriedAfterTheLeaseAndLosesNothing() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()

            // The first digest hangs in sendmail; the run is killed there, holding every claim.
            let doomed = try BackgroundProgram(
                "parley", ["alerts", "send", "--at", moments.at()],
                environment: sandbox.environment(database, ["FAKE_SENDMAIL_MODE": "hang", "FAKE_SENDMAIL_HANG": "60"]))
            #expect(poll(timeout: .seconds(20)) { (try? sandbox.files("attempts").count) == 1 })
            doomed.send(SIGKILL)
            #expect(poll(timeout: .seconds(10)) { MailerFixture.hasEnded(doomed.pid) })
            let hung = try #require(try sandbox.attempted().first)
            var states = try MailerFixture.deliveryStates(connection)
            #expect(states.values.allSatisfy { $0.state == "sending" && $0.attempts == 1 })

            // Within the lease (5 minutes) the claims stand: nothing is sent twice at once.
            let during = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(240)], environment: sandbox.environment(database))
            #expect(during.status == 0)
            #expect(try sandbox.files("attempts").count == 1)

            let after = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(301)], environment: sandbox.environment(database))
            #expect(after.status == 0 && after.stderr.isEmpty)
            let mails = try sandbox.accepted()
            #expect(mails.count == 2)
            let resent = try #require(mails.first { $0.recipient == hung.recipient })
            #expect(resent.header("Message-ID") == hung.header("Message-ID"))
            states = try MailerFixture.deliveryStates(connection)
            #expect(states.count == 5)
            #expect(states.values.allSatisfy { $0.state == "sent" && $0.attempts == 2 })
            #expect(mails.flatMap(\.deliveryIDs).sorted() == states.keys.sorted())
        }
    }

    @Test func aRoundHandedOverButNeverMarkedIsSentAgainUnderTheSameMessageIDsAndNothingIsLost() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let before = try MailerFixture.deliveries(connection)
            // A round's digests are handed over in the order of their lowest delivery, the first alone: the first
            // is accepted, the second hangs in sendmail, and the run is killed there. The first digest was handed
            // over, and the round was never marked.
            let first = try #require(before.min { ($0.value.min() ?? 0) < ($1.value.min() ?? 0) }).key
            let second = first == MailerFixture.olena ? MailerFixture.mehmet : MailerFixture.olena
            let doomed = try BackgroundProgram(
                "parley", ["alerts", "send", "--at", moments.at()],
                environment: sandbox.environment(
                    database, ["FAKE_SENDMAIL_MODE": "hang", "FAKE_SENDMAIL_FAIL_TO": second, "FAKE_SENDMAIL_HANG": "60"]))
            #expect(poll(timeout: .seconds(20)) { (try? sandbox.files("attempts").count) == 2 })
            doomed.send(SIGKILL)
            #expect(poll(timeout: .seconds(10)) { MailerFixture.hasEnded(doomed.pid) })
            let firstCopy = try #require(try sandbox.accepted().first)
            #expect(try sandbox.accepted().count == 1)
            #expect(firstCopy.recipient == first)
            let firstID = try #require(firstCopy.header("Message-ID"))
            #expect(firstCopy.deliveryIDs == before[first])

            // The round is still claimed, each delivery fixed in its digest by the claim's commit: the first
            // recipient's under the Message-ID that already went out.
            for row in try connection.query(
                "select id, state::text as state, digest_message_id from parley_data.deliveries") {
                let id: Int64 = try row.decode("id")
                #expect(try row.decode("state", as: String.self) == "sending")
                let fixed: String? = try row.decode("digest_message_id")
                #expect((fixed == firstID) == firstCopy.deliveryIDs.contains(id))
            }

            // Meanwhile another commitment of Olena's falls overdue: a regrouping retry would have added it to her
            // digest, under another Message-ID.
            let day: String = try connection.value(
                "select (($1::timestamptz) at time zone 'Europe/Istanbul')::date::text", [moments.planned])
            try MailerFixture.addCommitment(connection, code: "ist-remains", obligor: "UA", beneficiary: "RU", dueOn: day,
                                            offset: -2, text: "Hand over the remains of 500 soldiers")
            try MailerFixture.plan(connection, at: moments.planned.addingTimeInterval(120))
            let after = try MailerFixture.deliveries(connection)
            let fresh = Set(after.values.flatMap { $0 }).subtracting(before.values.flatMap { $0 })
            #expect(!fresh.isEmpty)

            let retry = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(301)], environment: sandbox.environment(database))
            #expect(retry.status == 0 && retry.stderr.isEmpty, "\(retry.stderr)")
            let mails = try sandbox.accepted()
            // The copy sent again carries the first copy's Message-ID and the same deliveries.
            let copies = mails.filter { $0.header("Message-ID") == firstID }
            #expect(copies.count == 2)
            #expect(copies.allSatisfy { $0.deliveryIDs == firstCopy.deliveryIDs && $0.recipient == first })
            // What fell due since went out in digests of their own.
            #expect(mails.filter { !Set($0.deliveryIDs).isDisjoint(with: fresh) }.allSatisfy { Set($0.deliveryIDs).isSubset(of: fresh) })
            // Nothing lost: every delivery sent, recorded with the Message-ID of a mail that carried it.
            let states = try MailerFixture.deliveryStates(connection)
            #expect(states.count == before.values.flatMap { $0 }.count + fresh.count)
            for (id, state) in states {
                #expect(state.state == "sent")
                #expect(mails.contains { $0.deliveryIDs.contains(id) && $0.header("Message-ID") == state.messageID })
            }
            // Only the round that was handed over and never marked went out twice.
            let carried = mails.flatMap(\.deliveryIDs)
            #expect(carried.count == states.count + firstCopy.deliveryIDs.count)
        }
    }

    @Test func failuresBackOffAndTheLastAttemptIsReportedOnceAndListed() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            try connection.execute(
                "update parley_data.alert_settings set max_attempts = 3, retry_backoff = '{1 minute, 5 minutes}'")
            let sandbox = try MailerFixture.Sandbox()
            let failing = sandbox.environment(database, ["FAKE_SENDMAIL_MODE": "fail"])

            let first = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at()], environment: failing)
            #expect(first.status == Sysexits.temporaryFailure)
            #expect(first.stderr.isEmpty)
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy {
                $0.state == "pending" && $0.attempts == 1 && $0.sendAfter == moments.planned.addingTimeInterval(60)
            })

            let second = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(60)], environment: failing)
            #expect(second.status == Sysexits.temporaryFailure)
            #expect(second.stderr.isEmpty)
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy {
                $0.state == "pending" && $0.attempts == 2 && $0.sendAfter == moments.planned.addingTimeInterval(360)
            })

            let early = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(300)], environment: failing)
            #expect(early.status == 0 && early.stderr.isEmpty)

            let last = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(360)], environment: failing)
            #expect(last.status == Sysexits.temporaryFailure)
            #expect(last.stdout.isEmpty)
            let lines = last.stderr.split(separator: "\n")
            #expect(lines.count == 5, "one line per delivery given up:\n\(last.stderr)")
            #expect(lines.allSatisfy { $0.hasPrefix("parley: gave up on delivery ") && $0.contains("after 3 attempts") })
            #expect(lines.allSatisfy { $0.contains("relay refused the message") && $0.contains("parley.delivery_failures") })
            #expect(try MailerFixture.deliveryStates(connection).values.allSatisfy { $0.state == "failed" })
            let listed: Int = try connection.value(
                "select count(*)::int from parley.delivery_failures where attempts = 3 and last_error like '%relay refused%'")
            #expect(listed == 5)

            // Given up means given up: later runs are silent.
            let later = try ProgramRun.run("parley", ["alerts", "send", "--at", moments.at(86_400)], environment: sandbox.environment(database))
            #expect(later.status == 0 && later.stdout.isEmpty && later.stderr.isEmpty)
            #expect(try sandbox.files("accepted").isEmpty)
        }
    }
}
