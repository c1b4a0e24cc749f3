import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// The round claimed ahead (issue 17): while a round is handed over, the next is claimed and read on a second
/// connection. It is handed over only after the current one was marked, so a run that dies sends at most one round
/// twice, and the round claimed ahead is never lost: given back when sending stops, taken over after its lease when
/// the run dies. The Istanbul fixture's 5 deliveries in rounds of 2 (`--round-size`, for tests and drills).
@Suite struct MailerPrefetchTests {
    @Test func aRunKilledWhileHandingOverLeavesTheRoundClaimedAheadToTheNextRunAndNothingIsSentTwice() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()
            let before = try MailerFixture.deliveryStates(connection)
            #expect(before.count == 5)

            // The first digest of the first round hangs in sendmail; meanwhile the second round is claimed ahead.
            let doomed = try BackgroundProgram(
                "parley", ["alerts", "send", "--round-size", "2", "--at", moments.at()],
                environment: sandbox.environment(database, ["FAKE_SENDMAIL_MODE": "hang", "FAKE_SENDMAIL_HANG": "60"]))
            #expect(poll(timeout: .seconds(20)) {
                (try? sandbox.files("attempts").count) == 1
                    && (try? MailerFixture.deliveryStates(connection).values.filter { $0.state == "sending" }.count) == 4
            })
            doomed.send(SIGKILL)
            #expect(poll(timeout: .seconds(10)) { MailerFixture.hasEnded(doomed.pid) })
            let hung = try #require(try sandbox.attempted().first)
            // Two rounds held: the one being handed over and the one claimed ahead; the fifth delivery untouched.
            var states = try MailerFixture.deliveryStates(connection)
            let held = Set(states.filter { $0.value.state == "sending" }.keys)
            #expect(held.count == 4)
            #expect(states.values.allSatisfy { $0.state == "sending" ? $0.attempts == 1 : ($0.state == "pending" && $0.attempts == 0) })
            #expect(try sandbox.accepted().isEmpty)

            // Within the lease only the fifth goes out; after it, the two rounds, each digest under its Message-ID.
            let during = try ProgramRun.run(
                "parley", ["alerts", "send", "--round-size", "2", "--at", moments.at(240)], environment: sandbox.environment(database))
            #expect(during.status == 0 && during.stderr.isEmpty, "\(during.stderr)")
            #expect(try sandbox.accepted().flatMap(\.deliveryIDs).allSatisfy { !held.contains($0) })
            let after = try ProgramRun.run(
                "parley", ["alerts", "send", "--round-size", "2", "--at", moments.at(301)], environment: sandbox.environment(database))
            #expect(after.status == 0 && after.stderr.isEmpty, "\(after.stderr)")

            let mails = try sandbox.accepted()
            let resent = try #require(mails.first { $0.header("Message-ID") == hung.header("Message-ID") })
            #expect(resent.deliveryIDs == hung.deliveryIDs)
            // Nothing lost, nothing twice (the hung copy was never accepted).
            states = try MailerFixture.deliveryStates(connection)
            #expect(mails.flatMap(\.deliveryIDs).sorted() == states.keys.sorted())
            for (id, state) in states {
                #expect(state.state == "sent")
                #expect(state.attempts == (held.contains(id) ? 2 : 1))
                #expect(mails.contains { $0.deliveryIDs.contains(id) && $0.header("Message-ID") == state.messageID })
            }
        }
    }

    @Test func whenSendingStopsTheRoundClaimedAheadIsGivenBackUntried() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let moments = try MailerFixture.istanbul(on: connection)
            let sandbox = try MailerFixture.Sandbox()

            // The first digest hangs and is killed after the timeout, which stops the run's sending.
            let run = try ProgramRun.run(
                "parley", ["alerts", "send", "--round-size", "2", "--at", moments.at()],
                environment: sandbox.environment(
                    database, ["FAKE_SENDMAIL_MODE": "hang", "FAKE_SENDMAIL_HANG": "30", "PARLEY_SENDMAIL_TIMEOUT": "1"]))
            #expect(run.status == Sysexits.temporaryFailure)
            #expect(try sandbox.files("attempts").count == 1)
            let hung = try #require(try sandbox.attempted().first)

            // The attempted digest counts an attempt; everything else claimed (the rest of the first round and the
            // whole round claimed ahead) waits again untried, a minute on; nothing is left claimed.
            let states = try MailerFixture.deliveryStates(connection)
            #expect(states.values.allSatisfy { $0.state == "pending" })
            for (id, state) in states where hung.deliveryIDs.contains(id) {
                #expect(state.attempts == 1)
            }
            let untried = states.filter { !hung.deliveryIDs.contains($0.key) }
            #expect(untried.values.allSatisfy { $0.attempts == 0 })
            let givenBack = untried.values.filter { $0.sendAfter == moments.planned.addingTimeInterval(60) }
            #expect(givenBack.count == 4 - hung.deliveryIDs.count)
            let claimed: Int = try connection.value("select claimed from parley.mailer_runs")
            #expect(claimed == 4, "two rounds of 2: the one handed over and the one claimed ahead")

            // A minute on, everything goes out once.
            let later = try ProgramRun.run(
                "parley", ["alerts", "send", "--round-size", "2", "--at", moments.at(61)], environment: sandbox.environment(database))
            #expect(later.status == 0 && later.stderr.isEmpty, "\(later.stderr)")
            #expect(try sandbox.accepted().flatMap(\.deliveryIDs).sorted() == states.keys.sorted())
        }
    }
}
