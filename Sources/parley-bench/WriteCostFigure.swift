import Foundation
import PQ

/// Figure 9: the cost of a write with the change log partitioned (issue 15, item 4).
///
/// Method: as the writer login (`bench_writer`: parley_writer, cleared for secret), one autocommitted statement
/// after another through the recording functions staff use, each on a different live commitment spread over the
/// whole table (every level and year of the history): `parley.record_update` (one unit delivered, with a note) and
/// `parley.change_due_date` (the deadline moved to 60 days ahead). The clock runs from sending the statement until its result
/// is back, commit included (durable defaults: the commit waits for its WAL flush). Each write also writes the
/// change log (partitioned by level, then by year: the note says how many partitions are in place and how many
/// rows they hold), the commitment's version, its timeline event, its tally, and queues it for planning. parleyd
/// is not running, so nothing else competes. Figures: p50 and p99 of each; and a floor, the same deadlines moved
/// again by a bare UPDATE with the triggers off (the row and its commit alone), with the ratio of the medians. No
/// target in the issue: it is what a desk officer waits for each time they record something.
struct WriteCostFigure {
    let bench: Bench

    var samples: Int { 300 }

    func measure() throws {
        let db = bench.db
        let partitions = try db.query(
            """
            select count(*) filter (where t.isleaf)::int as leaves, count(*) filter (where t.level = 1)::int as levels,
                   (select count(*) from parley_data.change_log)::bigint as rows
              from pg_partition_tree('parley_data.change_log') t
            """)[0]
        let leaves: Int = try partitions.decode("leaves")
        let levels: Int = try partitions.decode("levels")
        let rows: Int64 = try partitions.decode("rows")
        // Live commitments with room for one more unit, evenly spread over the ids (so over levels and years).
        let candidates: [String] = try db.query(
            """
            select c.code from (
                select c.code, row_number() over (order by c.id) as n, count(*) over () as total
                  from parley_data.commitments c
                 where c.status in ('pending', 'in_progress') and c.due_on > current_date
                   and c.target_quantity >= coalesce(c.delivered_quantity, 0) + 2) c
             where c.n % greatest(c.total / $1, 1) = 0
             order by c.n
             limit $1
            """, [samples * 2]).map { try $0.decode("code") }
        guard candidates.count >= samples * 2 else {
            throw BenchError("only \(candidates.count) commitments to write to; \(samples * 2) needed")
        }
        let writer = try bench.connect(as: Bench.writerRole, applicationName: "parley-bench writer")
        Log.say("figure 9: \(samples) record_update and \(samples) change_due_date, one statement each")
        var updates: [Double] = []
        var moves: [Double] = []
        for (index, code) in candidates.enumerated() {
            let watch = Stopwatch()
            if index % 2 == 0 {
                try writer.query(
                    "select parley.record_update(commitment => $1, delivered => 1, note => 'bench: one more delivered')", [code])
                updates.append(watch.milliseconds)
            } else {
                try writer.query("select parley.change_due_date(commitment => $1, due_on => current_date + 60)", [code])
                moves.append(watch.milliseconds)
            }
        }
        // The floor: the same deadlines moved again by a bare UPDATE, one autocommitted statement each, with the
        // triggers off (replica mode): what the row itself costs, commit included, without the history, version,
        // timeline, tally and planning queue. The ratio is steadier than the times on a loaded machine.
        try db.execute("set session_replication_role = replica")
        var floor: [Double] = []
        for (index, code) in candidates.enumerated() where index % 2 == 1 {
            let watch = Stopwatch()
            try db.execute("update parley_data.commitments set due_on = current_date + 61 where code = $1", [code])
            floor.append(watch.milliseconds)
        }
        try db.execute("reset session_replication_role")
        let size = bench.size.rawValue
        let note = "change log: \(rows) rows in \(leaves) partitions (\(levels) levels × years)"
        for (what, values) in [("record_update", updates), ("change_due_date", moves)] {
            bench.add(Measurement(
                figure: 9, name: "a write (\(what)), p50 of \(values.count)", size: size,
                value: Statistics.percentile(50, of: values), unit: "ms", target: "", met: nil, note: note))
            bench.add(Measurement(
                figure: 9, name: "a write (\(what)), p99 of \(values.count)", size: size,
                value: Statistics.percentile(99, of: values), unit: "ms", target: "", met: nil,
                note: "max \(String(format: "%.1f", values.max() ?? 0)) ms"))
        }
        let floorMedian = Statistics.percentile(50, of: floor)
        bench.add(Measurement(
            figure: 9, name: "floor: the same deadline moved by a bare UPDATE, triggers off, p50 of \(floor.count)",
            size: size, value: floorMedian, unit: "ms", target: "", met: nil,
            note: "p99 \(String(format: "%.1f", Statistics.percentile(99, of: floor))) ms"))
        bench.add(Measurement(
            figure: 9, name: "change_due_date ÷ floor (p50)", size: size,
            value: floorMedian > 0 ? Statistics.percentile(50, of: moves) / floorMedian : nil, unit: "×", target: "",
            met: nil))
    }
}
