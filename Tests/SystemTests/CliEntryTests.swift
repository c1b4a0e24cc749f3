import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Recording a negotiation with the `parley` command, as a desk officer would: every noun's happy path.
@Suite struct CliEntryTests {
    /// Runs `parley` against `database` and expects success; returns its standard output.
    @discardableResult
    static func parley(_ arguments: [String], _ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> String
    {
        let run = try ProgramRun.run("parley", arguments, environment: database.environment)
        #expect(run.status == 0, "parley \(arguments.joined(separator: " ")): \(run.stderr)", sourceLocation: sourceLocation)
        return run.stdout
    }

    @Test func recordingARoundOfTalksFromTheCommandLine() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            @discardableResult
            func parley(_ arguments: [String]) throws -> String { try Self.parley(arguments, database) }
            #expect(try parley(["people", "add", "desk@example.org", "--name", "Desk Officer", "--timezone", "Europe/Kyiv",
                                "--clearance", "restricted"]) == "desk@example.org\n")
            try parley(["parties", "add", "UA", "--name", "Ukraine"])
            try parley(["parties", "add", "RU", "--name", "Russia"])
            try parley(["parties", "add", "TR", "--name", "Türkiye"])
            try parley(["sources", "add", "pravda-2025-05-23", "--title", "First stage of the exchange",
                        "--url", "https://www.pravda.com.ua/eng/news/2025/05/23/7513734/", "--published-on", "2025-05-23"])
            #expect(try parley(["tracks", "add", "istanbul", "--name", "Istanbul direct talks", "--format", "bilateral",
                                "--timezone", "Europe/Istanbul", "--lead", "desk@example.org"]) == "istanbul\n")
            try parley(["members", "add", "--track", "istanbul", "--party", "TR", "--role", "host"])
            try parley(["members", "add", "--track", "istanbul", "--party", "UA", "--role", "principal"])
            try parley(["items", "add", "pow-exchange", "--title", "All-for-all exchange", "--track", "istanbul"])
            try parley(["items", "set-status", "--track", "istanbul", "--item", "pow-exchange", "implementing",
                        "--since", "2025-05-23"])
            try parley(["tracks", "set-status", "istanbul", "active"])

            // A time without an offset is read on the track's clock: 13:00 in Istanbul is 10:00 UTC.
            try parley(["meetings", "add", "ist-r2", "--track", "istanbul", "--title", "Round 2",
                        "--starts-at", "2025-06-02 13:00", "--location", "Çırağan Palace"])
            let start: String = try connection.query(
                "select to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from parley_data.meetings")[0].decode(0)
            #expect(start == "2025-06-02 10:00")
            try parley(["meetings", "outcome", "ist-r2", "--outcome", "6,000-for-6,000 return of bodies"])
            try parley(["meetings", "add", "ist-r4", "--track", "istanbul", "--title", "Round 4",
                        "--starts-at", "2025-09-01T11:00:00+03:00"])
            try parley(["meetings", "status", "ist-r4", "postponed"])

            #expect(try parley(["commitments", "add", "--code", "bodies-ru", "--track", "istanbul", "--item", "pow-exchange",
                                "--obligor", "RU", "--beneficiary", "UA", "--text", "Return 6,000 bodies",
                                "--made-on", "2025-06-02", "--due-on", "2025-06-30", "--target", "6000", "--unit", "bodies",
                                "--deal", "ist-6000", "--owner", "desk@example.org", "--meeting", "ist-r2"]) == "bodies-ru\n")
            #expect(try parley(["commitments", "add", "--track", "istanbul", "--item", "pow-exchange", "--obligor", "UA",
                                "--beneficiary", "RU", "--text", "Return 6,000 bodies", "--made-on", "2025-06-02",
                                "--deal", "ist-6000"]).hasPrefix("C"))
            for (day, count) in [("2025-06-11", "1212"), ("2025-06-13", "1200"), ("2025-06-14", "1200"), ("2025-06-15", "1200")] {
                try parley(["commitments", "progress", "bodies-ru", "--reported-on", day, "--delivered", count,
                            "--status", "partially_fulfilled", "--reported-by", "UA", "--verification", "one_party"])
            }
            try parley(["commitments", "update", "bodies-ru", "--reported-on", "2025-06-16", "--delivered", "1245",
                        "--status", "fulfilled", "--source", "pravda-2025-05-23"])
            try parley(["commitments", "set-due", "bodies-ru", "2025-07-15"])
            try parley(["commitments", "edit", "bodies-ru", "--text", "Return the bodies of 6,000 soldiers"])
            let listed = try parley(["commitments", "list", "--all", "--format", "json", "--owner", "DESK@example.org"])
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["delivered"] as? Int == 6057)
            #expect(rows.first?["status"] as? String == "fulfilled")
            #expect(rows.first?["due_on"] as? String == "2025-07-15")
            #expect(rows.first?["text"] as? String == "Return the bodies of 6,000 soldiers")
            #expect(try parley(["commitments", "list"]).contains("(1 row)"))
            #expect(try parley(["commitments", "show", "bodies-ru"]).contains("1245"))

            #expect(Int(try parley(["positions", "record", "--party", "RU", "--item", "pow-exchange", "--stance", "supports",
                                    "--stated-on", "2025-07-23", "--statement", "Offered 3,000 more bodies",
                                    "--track", "istanbul"]).trimmingCharacters(in: .newlines)) != nil)
            try parley(["figures", "add", "--indicator", "bodies-returned", "--value", "6057", "--as-of", "2025-06-16",
                        "--claimant", "UA", "--unit", "bodies"])
            try parley(["figures", "add", "--indicator", "bodies-returned", "--value", "6060", "--as-of", "2025-06-16",
                        "--claimant", "RU", "--unit", "bodies", "--confidence", "disputed"])
            #expect(try parley(["figures", "list", "--contested", "--format", "csv"]).contains("bodies-returned"))

            let followUp = try parley(["follow-ups", "add", "--assignee", "desk@example.org", "--due-at", "2025-06-05 17:00",
                                       "--commitment", "bodies-ru", "--note", "Ask for the schedule"])
                .trimmingCharacters(in: .newlines)
            #expect(followUp.hasPrefix("F"))
            // 17:00 on the assignee's clock (Kyiv, summer): 14:00 UTC.
            let due: String = try connection.query(
                "select to_char(due_at at time zone 'UTC', 'HH24:MI') from parley_data.follow_ups")[0].decode(0)
            #expect(due == "14:00")
            #expect(try parley(["follow-ups", "list", "--assignee", "desk@example.org"]).contains("Ask for the schedule"))
            try parley(["follow-ups", "done", followUp, "--note", "Received"])
            #expect(try parley(["follow-ups", "list", "--format", "json"]) == "[]\n")

            try parley(["subscriptions", "add", "--person", "desk@example.org", "--track", "istanbul", "--min-severity", "warning"])
            #expect(try parley(["subscriptions", "list", "--format", "csv"]).contains("desk@example.org,Desk Officer,istanbul,,warning"))
            try parley(["subscriptions", "remove", "--person", "desk@example.org", "--track", "istanbul"])
            try parley(["people", "update", "desk@example.org", "--clearance", "confidential"])
            try parley(["people", "add", "former@example.org", "--name", "Former"])
            try parley(["people", "deactivate", "former@example.org"])
            #expect(!(try parley(["people", "list", "--active"]).contains("former@example.org")))

            #expect(try parley(["tracks", "list"]).contains("Türkiye (host)"))
            #expect(try parley(["tracks", "show", "istanbul"]).contains("Open commitments"))
            #expect(try parley(["members", "list", "--track", "istanbul", "--format", "csv"])
                .hasPrefix("track,party,party_name,role,note\r\nistanbul,UA,Ukraine,principal,\r\n"))
            #expect(try parley(["items", "list", "--track", "istanbul"]).contains("implementing"))
            #expect(try parley(["meetings", "list", "--track", "istanbul"]).contains("postponed"))
            #expect(try parley(["parties", "list", "--format", "json"]).contains("\"tracks\": \"istanbul (host)\""))
            #expect(try parley(["sources", "list"]).contains("pravda-2025-05-23"))

            // Everything went through the recording functions: the history names every change.
            let changes: Int = try connection.query("select count(*)::int from parley_data.change_log")[0].decode(0)
            #expect(changes > 30)
        }
    }

    @Test func listingsPrintTablesCSVAndJSON() throws {
        try TestDatabase.with { database in
            try Self.parley(["parties", "add", "UA", "--name", "Ukraine, \"the\" state"], database)
            try Self.parley(["parties", "add", "NATO", "--name", "North Atlantic Treaty Organization", "--kind", "organisation"],
                            database)
            let csv = try Self.parley(["parties", "list", "--format", "csv"], database)
            #expect(csv == "code,name,kind,tracks\r\nNATO,North Atlantic Treaty Organization,organisation,\r\n"
                + "UA,\"Ukraine, \"\"the\"\" state\",state,\r\n")
            let json = try Self.parley(["parties", "list", "--format", "json"], database)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(rows.map { $0["code"] as? String } == ["NATO", "UA"])
            #expect(rows.first?["tracks"] is NSNull)
            let table = try Self.parley(["parties", "list"], database)
            let lines = table.split(separator: "\n")
            #expect(lines.first?.hasPrefix("code  name") == true)
            #expect(lines.last == "(2 rows)")
            #expect(lines[2].hasPrefix("NATO  North Atlantic Treaty Organization  organisation"))

            try Self.parley(["people", "add", "desk@example.org", "--name", "Desk"], database)
            let people = try Self.parley(["people", "list", "--format", "json"], database)
            let person = try #require((try JSONSerialization.jsonObject(with: Data(people.utf8)) as? [[String: Any]])?.first)
            #expect(person["active"] as? Bool == true)
            #expect(person["open_commitments"] as? Int == 0)
        }
    }

    @Test func everyCommandExplainsItselfWithAnExample() throws {
        let commands: [[String]] = [
            ["tracks"], ["tracks", "add"], ["tracks", "list"], ["tracks", "show"], ["tracks", "update"],
            ["tracks", "set-status"], ["parties"], ["parties", "add"], ["parties", "list"], ["members"],
            ["members", "add"], ["members", "list"], ["items"], ["items", "add"], ["items", "set-status"],
            ["items", "list"], ["meetings"], ["meetings", "add"], ["meetings", "outcome"], ["meetings", "status"],
            ["meetings", "list"], ["commitments"], ["commitments", "add"], ["commitments", "progress"],
            ["commitments", "set-due"], ["commitments", "edit"], ["commitments", "list"], ["commitments", "show"],
            ["positions"], ["positions", "record"], ["positions", "list"], ["figures"], ["figures", "add"],
            ["figures", "list"], ["follow-ups"], ["follow-ups", "add"], ["follow-ups", "done"], ["follow-ups", "list"],
            ["people"], ["people", "add"], ["people", "list"], ["people", "update"], ["people", "deactivate"],
            ["subscriptions"], ["subscriptions", "add"], ["subscriptions", "remove"], ["subscriptions", "list"],
            ["sources"], ["sources", "add"], ["sources", "list"], ["import"], ["export"], ["calendar"],
            ["alerts", "list"], ["alerts", "ack"], ["alerts", "snooze"], ["alerts", "silence"], ["alerts", "lift"],
            ["alerts", "silences"],
        ]
        for command in commands {
            let run = try ProgramRun.run("parley", command + ["--help"], environment: [:])
            #expect(run.status == 0, "parley \(command.joined(separator: " ")) --help")
            #expect(run.stdout.contains("Example"), "parley \(command.joined(separator: " ")) --help has no example")
            #expect(run.stdout.contains("USAGE: parley \(command.joined(separator: " "))"))
        }
    }
}
