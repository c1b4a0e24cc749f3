import Foundation
import PQ
import Parley

/// Figure 4: mailer throughput — deliveries claimed, rendered and marked sent per second.
///
/// Method: after the first plan many deliveries are due. The same N of them (the first N by send_after, as the
/// mailer claims them) are sent three times, put back to pending in between:
///   * `parley alerts send --to-dir DIR --limit N` (one .eml file per digest, written and fsynced), as the daemon's
///     login role, timed around the process (start-up included);
///   * `parley alerts send --limit N/4` through an MTA stand-in that accepts at once: a `sendmail` that reads the
///     message and exits (a process per digest, as with a real MTA, PARLEY_MAIL_CONCURRENCY of them at once, the
///     default 4; the MTA's own work is not counted);
///   * the floor: what a queue consumer does with the same deliveries, in bare SQL from this process — a round of
///     500 claimed with FOR UPDATE SKIP LOCKED and a lease, and marked sent with a Message-ID per recipient, one
///     commit per round (issue 17; before, the floor committed once per recipient's digest).
/// The rate is deliveries marked sent ÷ seconds. Targets: ≥ 5,000 deliveries/s to a directory, and at least half
/// the floor.
struct MailerFigure {
    let bench: Bench

    func measure() throws {
        let db = bench.db
        let due: Int = try db.query(
            "select count(*)::int as n from parley_data.deliveries where state = 'pending' and send_after <= now()")[0].decode("n")
        guard due > 0 else { throw BenchError("no deliveries are due after the first plan") }
        let n = min(bench.size.mailerDeliveries, due)
        let work = URL(fileURLWithPath: bench.options.workDirectory)
        let mailDirectory = work.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mailDirectory, withIntermediateDirectories: true)

        let toDirectory = try send(["alerts", "send", "--to-dir", mailDirectory.path, "--limit", String(n)], extra: [:])
        let files = (try? FileManager.default.contentsOfDirectory(atPath: mailDirectory.path).count) ?? 0
        try putBack()

        let sendmail = work.appendingPathComponent("sendmail")
        try "#!/bin/sh\n# Reads the message and accepts it, as an MTA's sendmail -t -oi does.\nexec cat >/dev/null\n"
            .write(to: sendmail, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sendmail.path)
        let throughSendmail = try send(["alerts", "send", "--limit", String(max(n / 4, 1))], extra: ["PARLEY_SENDMAIL": sendmail.path])
        try putBack()

        let floor = try floorRate(n)
        try putBack()

        let size = bench.size.rawValue
        bench.add(Measurement(
            figure: 4, name: "mailer to a directory (--to-dir)", size: size, value: toDirectory.rate, unit: "deliveries/s",
            target: "≥ 5,000/s", met: toDirectory.rate >= 5000,
            note: "\(toDirectory.sent) deliveries in \(files) messages in \(String(format: "%.2f", toDirectory.seconds)) s"))
        bench.add(Measurement(
            figure: 4, name: "mailer through sendmail", size: size, value: throughSendmail.rate, unit: "deliveries/s",
            target: "", met: nil,
            note: "\(throughSendmail.sent) deliveries in \(String(format: "%.2f", throughSendmail.seconds)) s; a process per "
                + "digest, \(MailSettings.defaultConcurrency) at once, an MTA stand-in that accepts at once"))
        bench.add(Measurement(
            figure: 4, name: "floor: a queue consumer's claim and mark in bare SQL", size: size, value: floor,
            unit: "deliveries/s", target: "", met: nil, note: "rounds of 500, one commit per round"))
        let ratio = toDirectory.rate / floor
        bench.add(Measurement(
            figure: 4, name: "mailer to a directory ÷ floor", size: size, value: ratio, unit: "×", target: "≥ 0.5×",
            met: ratio >= 0.5))
    }

    private struct Outcome {
        var sent: Int
        var seconds: Double
        var rate: Double { Double(sent) / seconds }
    }

    private func send(_ arguments: [String], extra: [String: String]) throws -> Outcome {
        let settings = ["PARLEY_MAIL_FROM": "Parley <parley@bench.example>"].merging(extra) { $1 }
        let run = try ProgramRun.run(
            bench.binary("parley"), arguments, environment: bench.environment(role: Bench.daemonRole, extra: settings),
            workDirectory: bench.options.workDirectory)
        guard run.status == 0 else {
            throw BenchError("parley \(arguments.joined(separator: " ")) exited \(run.status): \(run.stderr.prefix(500))")
        }
        let sent: Int = try bench.db.query(
            "select count(*)::int as n from parley_data.deliveries where state = 'sent'")[0].decode("n")
        guard sent > 0 else { throw BenchError("parley \(arguments.joined(separator: " ")) sent nothing") }
        return Outcome(sent: sent, seconds: run.seconds)
    }

    /// Puts every sent delivery back to pending, as it was before the run (benchmark only).
    private func putBack() throws {
        try bench.db.execute(
            """
            update parley_data.deliveries
               set state = 'pending', attempts = 0, claim_token = null, claimed_at = null, lease_until = null,
                   sent_at = null, message_id = null, digest_message_id = null
             where state in ('sent', 'sending') or digest_message_id is not null
            """)
    }

    /// The floor: a queue consumer's rounds in SQL only — claim 500, mark them sent with a Message-ID per recipient,
    /// one commit per round.
    private func floorRate(_ n: Int) throws -> Double {
        let db = bench.db
        var sent = 0
        let watch = Stopwatch()
        while sent < n {
            let token = UUID()
            let marked = try db.transaction { db in
                _ = try db.execute(
                    """
                    with picked as (
                        select d.id from parley_data.deliveries d
                         where d.state = 'pending' and d.send_after <= now()
                         order by d.send_after, d.id
                         limit $1
                           for update skip locked
                    )
                    update parley_data.deliveries d
                       set state = 'sending', attempts = d.attempts + 1, claim_token = $2, claimed_at = now(),
                           lease_until = now() + interval '5 minutes'
                      from picked p
                     where d.id = p.id
                    """, [min(500, n - sent), token])
                return try db.execute(
                    """
                    update parley_data.deliveries
                       set state = 'sent', sent_at = now(),
                           message_id = '<floor.' || person_id || '.' || $1::text || '@bench.example>',
                           claim_token = null, lease_until = null
                     where state = 'sending' and claim_token = $1
                    """, [token])
            }
            guard marked > 0 else { break }
            sent += marked
        }
        guard sent > 0 else { throw BenchError("the floor sent nothing") }
        return Double(sent) / watch.seconds
    }
}
