import Foundation
import PQ

/// Figure 8: commitments per second through `parley import`.
///
/// Method: a JSON document of new tracks (100 commitments each, on the generated parties, items and desk officers),
/// each commitment with one or two beneficiaries and two updates — what a ministry's export from another system
/// looks like — is imported into the benchmark database with `parley import FILE` (release build, one
/// transaction), timed around the process: reading and checking the file, the calls to parley.import_world, and
/// the commit with every trigger (history, plan queue). Commitments imported ÷ seconds. Target ≥ 5,000/s.
struct ImportFigure {
    let bench: Bench

    func measure() throws {
        let n = bench.size.importedCommitments
        let path = URL(fileURLWithPath: bench.options.workDirectory).appendingPathComponent("import.json").path
        try document(commitments: n).write(to: URL(fileURLWithPath: path))
        Log.say("figure 8: parley import of \(n) commitments")
        let before: Int = try bench.db.query("select count(*)::int as n from parley_data.commitments")[0].decode("n")
        let run = try ProgramRun.run(
            bench.binary("parley"), ["import", path], environment: bench.environment(role: Bench.writerRole),
            workDirectory: bench.options.workDirectory)
        guard run.status == 0 else {
            throw BenchError("parley import exited \(run.status): \(run.stderr.prefix(800))")
        }
        let after: Int = try bench.db.query("select count(*)::int as n from parley_data.commitments")[0].decode("n")
        guard after - before == n else {
            throw BenchError("parley import added \(after - before) commitments, not \(n)")
        }
        let rate = Double(n) / run.seconds
        bench.add(Measurement(
            figure: 8, name: "parley import", size: bench.size.rawValue, value: rate, unit: "commitments/s",
            target: "≥ 5,000/s", met: rate >= 5000,
            note: "\(n) commitments with \(2 * n) updates on \(n / 100) new tracks in \(String(format: "%.1f", run.seconds)) s"))
    }

    /// The document: tracks imp1…, each with three members and five agenda items, and 100 commitments per track.
    private func document(commitments n: Int) throws -> Data {
        let db = bench.db
        let parties: [String] = try db.query("select code from parley_data.parties order by id limit 30").map { try $0.decode("code") }
        let items: [String] = try db.query("select code from parley_data.agenda_items order by id limit 50").map { try $0.decode("code") }
        let people: [String] = try db.query("select email from parley_data.people where active order by id limit 50").map { try $0.decode("email") }
        guard parties.count >= 3, items.count >= 5, !people.isEmpty else { throw BenchError("the generated data is missing") }
        let today = Date()
        func day(_ offset: Int) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            return formatter.string(from: today.addingTimeInterval(Double(offset) * 86_400))
        }
        var tracks: [[String: Any]] = []
        var list: [[String: Any]] = []
        for t in 0..<(n / 100) {
            let code = "imp\(t + 1)"
            let members = (0..<3).map { parties[(t * 3 + $0) % parties.count] }
            let agenda = (0..<5).map { items[(t * 5 + $0) % items.count] }
            tracks.append([
                "code": code, "name": "Imported track \(t + 1)", "format": "trilateral", "timezone": "Europe/Istanbul",
                "lead": people[t % people.count],
                "members": [["party": members[0], "role": "principal"], ["party": members[1], "role": "principal"],
                            ["party": members[2], "role": "mediator"]],
                "agenda": agenda.map { ["item": $0, "status": "under_discussion"] },
            ])
            for k in 0..<100 {
                let i = t * 100 + k
                let obligor = members[k % 2], other = members[1 - k % 2]
                list.append([
                    "code": "imp-c\(i + 1)", "track": code, "item": agenda[k % 5], "obligor": obligor,
                    "beneficiaries": k % 3 == 0 ? [other, members[2]] : [other],
                    "text": "Imported commitment \(i + 1): \(obligor) undertakes to deliver the list of detainees.",
                    "made_on": day(-200 + k), "due_on": day(-60 + k * 3), "target_quantity": 100, "unit": "people",
                    "owner": people[i % people.count],
                    "updates": [
                        ["reported_on": day(-150 + k), "delivered": 40, "new_status": "in_progress", "note": "First stage."],
                        ["reported_on": day(-100 + k), "delivered": 30, "note": "Second stage.", "verification": "one_party"],
                    ],
                ])
            }
        }
        return try JSONSerialization.data(withJSONObject: ["parley": 1, "tracks": tracks, "commitments": list])
    }
}
