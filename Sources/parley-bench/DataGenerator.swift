import Foundation
import PQ

/// Fills the empty, migrated database with the synthetic data of bench/generate.sql at the run's size, one
/// `-- step:` at a time (each timed), then vacuums and analyzes what it wrote.
struct DataGenerator {
    let bench: Bench

    /// The tables the generator writes. They are vacuumed and analyzed afterwards, as autovacuum would do after a
    /// bulk load. The alert tables (alerts, deliveries, alert_schedule, plan_queue) are left as a fresh
    /// installation has them — empty and never analyzed — because figure 1 is the first plan of such an installation.
    static let generatedTables = [
        "people", "parties", "agenda_items", "sources", "tracks", "track_members", "track_agenda", "meetings",
        "positions", "figures", "commitments", "commitment_beneficiaries", "commitment_updates", "change_log",
        "follow_ups", "subscriptions", "commitment_versions", "agenda_versions", "timeline_events",
        "commitment_tallies", "owner_tallies", "agenda_activity", "agenda_activity_queue", "agenda_stances",
    ]

    func generate() throws {
        let path = URL(fileURLWithPath: bench.options.benchDirectory).appendingPathComponent("generate.sql").path
        guard let script = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw BenchError("cannot read \(path)")
        }
        let db = bench.db
        Log.say("generating size \(bench.size.rawValue): \(bench.size.commitments) commitments")
        try db.query("select set_config('parley_bench.commitments', $1, false)", [String(bench.size.commitments)])
        let total = Stopwatch()
        for step in Self.steps(of: script) {
            let (_, seconds) = try Stopwatch.time { try db.executeScript(step.sql, name: "bench/generate.sql (\(step.name))") }
            bench.report.generationSteps[step.name] = seconds
            Log.say("  \(step.name): \(String(format: "%.1f", seconds)) s")
        }
        try db.executeScript("reset role; reset session_replication_role;", name: "reset")
        let (_, vacuumSeconds) = try Stopwatch.time {
            try db.execute("vacuum analyze " + Self.generatedTables.map { "parley_data." + $0 }.joined(separator: ", "))
        }
        bench.report.generationSteps["vacuum analyze"] = vacuumSeconds
        bench.report.generationSeconds = total.seconds
        Log.say("  vacuum analyze: \(String(format: "%.1f", vacuumSeconds)) s; generated in \(String(format: "%.0f", total.seconds)) s")
        try count()
    }

    /// What the database holds, for the report (and, on a kept database, as the proof that it holds data).
    func count() throws {
        let db = bench.db
        for row in try db.query(
            """
            select 'tracks' as t, count(*)::int as n from parley_data.tracks
            union all select 'commitments', count(*)::int from parley_data.commitments
            union all select 'commitments overdue', count(*)::int from parley_data.commitments
                       where status not in ('fulfilled', 'withdrawn', 'superseded') and due_on < current_date
            union all select 'commitments classified', count(*)::int from parley_data.commitments
                       where effective_classification <> 'unclassified'
            union all select 'commitments fulfilled', count(*)::int from parley_data.commitments where status = 'fulfilled'
            union all select 'commitment updates', count(*)::int from parley_data.commitment_updates
            union all select 'meetings', count(*)::int from parley_data.meetings
            union all select 'follow-ups', count(*)::int from parley_data.follow_ups
            union all select 'people', count(*)::int from parley_data.people
            union all select 'subscriptions', count(*)::int from parley_data.subscriptions
            union all select 'change history', count(*)::int from parley_data.change_log
            """) {
            bench.report.dataCounts[try row.decode("t")] = try row.decode("n")
        }
        let size: String = try db.query("select pg_size_pretty(pg_database_size(current_database())) as s")[0].decode("s")
        Log.say("  data: " + bench.report.dataCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ") + "; database \(size)")
    }

    /// The script cut at its `-- step: NAME` lines; what comes before the first is the header.
    static func steps(of script: String) -> [(name: String, sql: String)] {
        var steps: [(name: String, sql: String)] = []
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- step: ") {
                steps.append((String(line.dropFirst("-- step: ".count)), ""))
            } else if !steps.isEmpty {
                steps[steps.count - 1].sql += line + "\n"
            }
        }
        return steps
    }
}
