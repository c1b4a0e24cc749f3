import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// What the mailer's system tests share: a test `sendmail` that stores what it is given and can be told to fail,
/// hang or die; a strict MIME parser (Python's `email` package); and a negotiation with alerts due.
enum MailerFixture {
    /// The test sendmail, written into each test's sandbox. It stores argv and stdin for every call, then does what
    /// FAKE_SENDMAIL_* in its environment say:
    ///   FAKE_SENDMAIL_DIR     attempts/ID.args (argv, one per line), attempts/ID.eml (stdin), attempts/ID.pid;
    ///                         accepted/ID.eml as well when it exits 0
    ///   FAKE_SENDMAIL_MODE    ok (default) | fail (exit FAKE_SENDMAIL_STATUS, default 75, after a line on stderr) |
    ///                         hang (sleep FAKE_SENDMAIL_HANG seconds, default 600) | signal (kill itself with
    ///                         FAKE_SENDMAIL_SIGNAL, default TERM)
    ///   FAKE_SENDMAIL_FAIL_TO only misbehave for messages whose To header contains this text
    ///   FAKE_SENDMAIL_SLEEP   seconds to take before accepting (to make runs overlap)
    static let fakeSendmail = #"""
        #!/bin/sh
        set -u
        dir=${FAKE_SENDMAIL_DIR:?FAKE_SENDMAIL_DIR is not set}
        mkdir -p "$dir/attempts" "$dir/accepted"
        id=$(date +%s%N)-$$
        echo $$ > "$dir/attempts/$id.pid"
        for arg in "$@"; do printf '%s\n' "$arg"; done > "$dir/attempts/$id.args"
        cat > "$dir/attempts/$id.part"
        mv "$dir/attempts/$id.part" "$dir/attempts/$id.eml"
        mode=${FAKE_SENDMAIL_MODE:-ok}
        if [ -n "${FAKE_SENDMAIL_FAIL_TO:-}" ] && ! grep -qi "^To:.*${FAKE_SENDMAIL_FAIL_TO}" "$dir/attempts/$id.eml"; then
            mode=ok
        fi
        case "$mode" in
            ok)
                [ -n "${FAKE_SENDMAIL_SLEEP:-}" ] && sleep "$FAKE_SENDMAIL_SLEEP"
                cp "$dir/attempts/$id.eml" "$dir/accepted/$id.part"
                mv "$dir/accepted/$id.part" "$dir/accepted/$id.eml"
                exit 0 ;;
            fail)
                echo "fake-sendmail: relay refused the message (mode fail)" >&2
                exit "${FAKE_SENDMAIL_STATUS:-75}" ;;
            hang)
                exec sleep "${FAKE_SENDMAIL_HANG:-600}" ;;
            signal)
                kill -s "${FAKE_SENDMAIL_SIGNAL:-TERM}" $$
                sleep 5
                exit 0 ;;
            *)
                echo "fake-sendmail: unknown FAKE_SENDMAIL_MODE $mode" >&2
                exit 64 ;;
        esac
        """#

    /// Parses each file with Python's `email` package, default policy with `raise_on_defect` (strict), and reports
    /// the decoded headers, the decoded body and the longest line.
    static let strictParser = #"""
        import sys, json, email.policy
        from email.parser import BytesParser
        strict = email.policy.default.clone(raise_on_defect=True)
        out = []
        for path in sys.argv[1:]:
            raw = open(path, 'rb').read()
            entry = {"path": path, "headers": {}, "defects": [], "body": "", "toAddresses": [], "toNames": [],
                     "maxLine": 0, "headerLines": [], "html": None, "parts": [], "attachments": []}
            try:
                msg = BytesParser(policy=strict).parsebytes(raw)
                defects = [str(d) for d in msg.defects]
                headers = {}
                for name, value in msg.items():
                    defects += [str(d) for d in getattr(value, 'defects', ())]
                    headers.setdefault(name, []).append(str(value))
                to = msg['To'].addresses
                # A digest is multipart/alternative (text, then HTML), inside multipart/mixed when it carries a
                # brief; every part is checked for defects too.
                for part in msg.walk():
                    defects += [str(d) for d in part.defects]
                text = msg.get_body(preferencelist=('plain',))
                html = msg.get_body(preferencelist=('html',)) if msg.is_multipart() else None
                entry.update(headers=headers, defects=defects, body=text.get_content() if text else "",
                             html=html.get_content() if html else None,
                             parts=[p.get_content_type() for p in msg.walk()],
                             attachments=[{"filename": a.get_filename(), "contentType": a.get_content_type(),
                                           "content": a.get_content() if a.get_content_maintype() == 'text' else ""}
                                          for a in msg.iter_attachments()] if msg.is_multipart() else [],
                             contentType=msg.get_content_type(), charset=(text or msg).get_content_charset(),
                             toAddresses=[a.addr_spec for a in to], toNames=[a.display_name for a in to],
                             maxLine=max(len(line.rstrip(b'\r')) for line in raw.split(b'\n')),
                             headerLines=raw.split(b'\n\n')[0].split(b'\r\n\r\n')[0].decode('ascii').replace('\r', '').split('\n'))
            except Exception as error:
                entry["error"] = repr(error)
            out.append(entry)
        print(json.dumps(out))
        """#

    /// A message as the strict parser saw it.
    struct ParsedMail: Decodable {
        var path: String
        var error: String?
        var headers: [String: [String]] = [:]
        var defects: [String] = []
        var body: String = ""
        /// The HTML part, when the message has one.
        var html: String?
        /// The content types of the message and each of its parts, in order.
        var parts: [String] = []
        var attachments: [Attachment] = []
        var contentType: String?
        var charset: String?
        var toAddresses: [String] = []
        var toNames: [String] = []
        var maxLine: Int = 0
        var headerLines: [String] = []

        struct Attachment: Decodable {
            var filename: String?
            var contentType: String
            var content: String
        }

        func header(_ name: String) -> String? { headers[name]?.first }
        var deliveryIDs: [Int64] { (header("X-Parley-Deliveries") ?? "").split(separator: " ").compactMap { Int64($0) } }
        var recipient: String { toAddresses.first ?? "" }
    }

    /// A directory of one test's own, with the test sendmail in it and the place it stores messages.
    final class Sandbox: @unchecked Sendable {
        let directory: URL
        var sendmail: URL { directory.appendingPathComponent("sendmail") }
        var store: URL { directory.appendingPathComponent("store") }

        init() throws {
            directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("parley-mailer-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try fakeSendmail.write(to: sendmail, atomically: true, encoding: .utf8)
            chmod(sendmail.path, 0o755)
        }

        deinit {
            // Any test sendmail left hanging is ended with the sandbox.
            for file in (try? files("attempts", suffix: ".pid")) ?? [] {
                if let text = try? String(contentsOf: file, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    kill(pid, SIGKILL)
                }
            }
            try? FileManager.default.removeItem(at: directory)
        }

        /// The environment for `parley` against `database`, with the test sendmail and `extra` on top.
        func environment(_ database: TestDatabase, _ extra: [String: String] = [:]) -> [String: String] {
            var environment = database.environment
            environment["PARLEY_SENDMAIL"] = sendmail.path
            environment["PARLEY_MAIL_FROM"] = "Parley Alerts <parley@mfa.example>"
            environment["FAKE_SENDMAIL_DIR"] = store.path
            // Never the host's /etc/parley/parley.env.
            environment["PARLEY_ENV_FILE"] = ""
            for variable in ["PARLEY_MAIL_MAX_CLASSIFICATION", "PARLEY_SENDMAIL_TIMEOUT", "FAKE_SENDMAIL_MODE"] {
                environment.removeValue(forKey: variable)
            }
            return environment.merging(extra) { $1 }
        }

        /// Files in `store/<folder>` ending in `suffix`, oldest first.
        func files(_ folder: String, suffix: String = ".eml") throws -> [URL] {
            let url = store.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: url.path) else { return [] }
            return try FileManager.default.contentsOfDirectory(atPath: url.path)
                .filter { $0.hasSuffix(suffix) }
                .sorted()
                .map { url.appendingPathComponent($0) }
        }

        /// The messages sendmail accepted, parsed strictly.
        func accepted() throws -> [ParsedMail] { try MailerFixture.parse(try files("accepted")) }

        /// Every message sendmail was given, accepted or not, parsed strictly.
        func attempted() throws -> [ParsedMail] { try MailerFixture.parse(try files("attempts")) }

        /// The argument lists sendmail was called with.
        func argumentLists() throws -> [[String]] {
            try files("attempts", suffix: ".args").map {
                try String(contentsOf: $0, encoding: .utf8).split(separator: "\n").map(String.init)
            }
        }
    }

    /// Parses messages with the strict parser; fails the test for a message Python could not parse.
    static func parse(_ files: [URL]) throws -> [ParsedMail] {
        guard !files.isEmpty else { return [] }
        let run = try runTool("/usr/bin/env", ["python3", "-c", strictParser] + files.map(\.path))
        guard run.status == 0 else {
            throw ParserFailure(description: "python3 failed (\(run.status)): \(run.stderr)")
        }
        return try JSONDecoder().decode([ParsedMail].self, from: Data(run.stdout.utf8))
    }

    struct ParserFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a program that is not one of ours (python3) and waits for it.
    static func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = DispatchGroup()
        let box = ToolOutput()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile(), isOut: isOut)
                group.leave()
            }
        }
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, box.text(true), box.text(false))
    }

    final class ToolOutput: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()
        func set(_ data: Data, isOut: Bool) {
            lock.lock(); defer { lock.unlock() }
            if isOut { out = data } else { err = data }
        }
        func text(_ isOut: Bool) -> String {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: isOut ? out : err, as: UTF8.self)
        }
    }

    /// The moments the tests act at, as `--at` takes them.
    struct Moments {
        /// Alerts are planned for this moment: ten days from now, 09:00 UTC (12:00 in Istanbul).
        let planned: Date

        /// `planned` plus `seconds`, as ISO 8601 text.
        func at(_ seconds: Int = 0) -> String {
            Timestamps.iso(planned.addingTimeInterval(TimeInterval(seconds)))
        }
    }

    static let olena = "olena@mfa.example"
    static let mehmet = "mehmet@mfa.example"

    /// The Istanbul talks with alerts due at `Moments.planned`:
    /// - Olena Kovalenko (Europe/Kyiv, cleared secret) owns three commitments: `ist-pow-ru` overdue by 3 days,
    ///   `ist-pow-ua` overdue by 1 day, `ist-bodies` due tomorrow (a due_soon lead time of 2 days);
    /// - Mehmet Çelik (Europe/Istanbul, cleared restricted) subscribes to the track from severity warning, so he
    ///   gets the two overdue alerts only.
    /// `configure` runs before planning, to add to the world.
    @discardableResult
    static func istanbul(on connection: Connection, configure: (Connection, String) throws -> Void = { _, _ in }) throws -> Moments {
        let planned: Date = try connection.query(
            "select (date_trunc('day', now() at time zone 'UTC') + interval '10 days 9 hours') at time zone 'UTC' as t")[0].decode("t")
        let day: String = try connection.query(
            "select (($1::timestamptz) at time zone 'Europe/Istanbul')::date::text as d", [planned])[0].decode("d")
        try connection.execute("""
            select parley.add_person(email => 'olena@mfa.example', name => 'Olena Kovalenko', timezone => 'Europe/Kyiv',
                                     clearance => 'secret')
            """)
        try connection.execute("""
            select parley.add_person(email => 'mehmet@mfa.example', name => 'Mehmet Çelik', timezone => 'Europe/Istanbul',
                                     clearance => 'restricted')
            """)
        for (code, name) in [("UA", "Ukraine"), ("RU", "Russia"), ("TR", "Türkiye")] {
            try connection.execute("select parley.add_party(code => $1, name => $2)", [code, name])
        }
        try connection.execute("""
            select parley.add_track(code => 'istanbul', name => 'Istanbul talks', format => 'bilateral',
                                    timezone => 'Europe/Istanbul', venue => 'Çırağan Palace', lead => 'olena@mfa.example')
            """)
        try connection.execute("""
            select parley.add_agenda_item(code => 'pow-exchange', title => 'Exchange of prisoners of war', track => 'istanbul')
            """)
        try connection.execute("select parley.add_subscription(person => 'mehmet@mfa.example', track => 'istanbul', min_severity => 'warning')")
        try connection.execute("select parley.set_alert_rule(kind => 'due_soon', lead_times => '{7 days, 2 days}')")
        try connection.execute("""
            select parley.add_source(code => 'reuters-swap', title => 'Russia and Ukraine swap 390 prisoners',
                                     publisher => 'Reuters', url => 'https://example.org/swap')
            """)
        try addCommitment(connection, code: "ist-pow-ru", obligor: "RU", beneficiary: "UA", dueOn: day, offset: -3,
                          text: "Release 1,000 Ukrainian prisoners of war")
        try connection.execute("""
            select parley.record_update(commitment => 'ist-pow-ru', delivered => 390, new_status => 'partially_fulfilled',
                                        note => 'First stage', source => 'reuters-swap', reported_by => 'UA',
                                        verification => 'both_parties')
            """)
        try addCommitment(connection, code: "ist-pow-ua", obligor: "UA", beneficiary: "RU", dueOn: day, offset: -1,
                          text: "Release 1,000 Russian prisoners of war")
        try addCommitment(connection, code: "ist-bodies", obligor: "RU", beneficiary: "UA", dueOn: day, offset: 1,
                          text: "Return the bodies of 6,000 fallen soldiers")
        try configure(connection, day)
        try plan(connection, at: planned)
        return Moments(planned: planned)
    }

    /// Adds a commitment owned by Olena due `offset` days from `dueOn`.
    static func addCommitment(
        _ connection: Connection, code: String, obligor: String, beneficiary: String, dueOn day: String, offset: Int,
        text: String, track: String = "istanbul", item: String = "pow-exchange", classification: String = "unclassified"
    ) throws {
        try connection.execute("""
            select parley.add_commitment(track => $1, item => $2, obligor => $3, beneficiaries => array[$4],
                   text => $5, due_on => $6::date + $7::int, target_quantity => 1000, unit => 'prisoners', code => $8,
                   owner => 'olena@mfa.example', classification => $9::parley.classification)
            """, [track, item, obligor, beneficiary, text, day, offset, code, classification])
    }

    /// The day `offset` days from the planned moment's day in Istanbul, as digests write it (`Sun 25 May 2025`).
    static func deadlineDay(_ connection: Connection, _ moments: Moments, offset: Int) throws -> String {
        try connection.value(
            "select to_char(($1::timestamptz at time zone 'Europe/Istanbul')::date + $2::int, 'Dy FMDD Mon YYYY')",
            [moments.planned, offset])
    }

    /// Whether the process `pid` has ended (gone, or a zombie not yet reaped by its parent).
    static func hasEnded(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    static func plan(_ connection: Connection, at: Date) throws {
        try connection.execute("select * from parley.plan_alerts($1)", [at])
    }

    /// Delivery ids by recipient e-mail.
    static func deliveries(_ connection: Connection) throws -> [String: [Int64]] {
        var result: [String: [Int64]] = [:]
        for row in try connection.query(
            "select p.email, d.id from parley_data.deliveries d join parley_data.people p on p.id = d.person_id order by d.id") {
            result[try row.decode("email"), default: []].append(try row.decode("id"))
        }
        return result
    }

    /// State, attempts and Message-ID of each delivery, by id.
    static func deliveryStates(_ connection: Connection) throws -> [Int64: (state: String, attempts: Int, messageID: String?, sendAfter: Date, lastError: String?)] {
        var result: [Int64: (String, Int, String?, Date, String?)] = [:]
        for row in try connection.query(
            "select id, state::text as state, attempts, message_id, send_after, last_error from parley_data.deliveries") {
            result[try row.decode("id")] = (
                try row.decode("state"), try row.decode("attempts"), try row.decode("message_id"),
                try row.decode("send_after"), try row.decode("last_error"))
        }
        return result
    }
}

/// The test sendmail and the strict parser themselves: if they were wrong, the mailer tests would prove nothing.
@Suite struct MailerFixtureTests {
    @Test func theTestSendmailStoresWhatItIsGivenAndCanBeToldToFail() throws {
        let sandbox = try MailerFixture.Sandbox()
        var environment = ProcessInfo.processInfo.environment
        environment["FAKE_SENDMAIL_DIR"] = sandbox.store.path
        let message = "From: a@b.example\nTo: Olena <olena@mfa.example>\nSubject: x\n\nhello\n"
        for mode in ["ok", "fail"] {
            environment["FAKE_SENDMAIL_MODE"] = mode
            let process = Process()
            process.executableURL = sandbox.sendmail
            process.arguments = ["-t", "-oi"]
            process.environment = environment
            let input = Pipe()
            process.standardInput = input
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data(message.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            #expect(process.terminationStatus == (mode == "ok" ? 0 : 75))
        }
        #expect(try sandbox.argumentLists() == [["-t", "-oi"], ["-t", "-oi"]])
        #expect(try sandbox.files("accepted").count == 1)
        let parsed = try sandbox.attempted()
        #expect(parsed.count == 2)
        #expect(parsed.allSatisfy { $0.error == nil && $0.toAddresses == ["olena@mfa.example"] && $0.body == "hello\n" })
    }

    @Test func theStrictParserRefusesABrokenMessage() throws {
        let sandbox = try MailerFixture.Sandbox()
        let broken = sandbox.directory.appendingPathComponent("broken.eml")
        // A header line without a colon, and a raw 8-bit subject: defects a lenient reader would pass over.
        try Data("From: a@b.example\r\nTo: x@y.example\r\nSubject: T\u{00FC}rkiye\r\nnot a header\r\n\r\nbody\r\n".utf8).write(to: broken)
        let parsed = try MailerFixture.parse([broken])
        #expect(parsed.count == 1)
        #expect(parsed[0].error != nil || !parsed[0].defects.isEmpty)
    }
}
