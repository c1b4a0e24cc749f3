import Foundation
import PQ

/// Figure 7: one statement changing 100,000 commitments, with parleyd running.
///
/// Method: as parley_owner, one `UPDATE … SET due_on = due_on + 7` of the first 100,000 live commitments due more
/// than 10 days ahead (a deadline extension for a batch), autocommitted. A second session LISTENs on parley_plan
/// and counts the notifications that arrive from the statement until parleyd has replanned. "Replanned" is when
/// the plan queue, which the statement's triggers fill and the daemon's plan empties in its transaction, is seen
/// empty (polled every 5 ms). The figure is the time from sending the statement to that moment; the note splits it
/// into the statement (with its triggers: history, queue) and the replan. Targets: a handful of notifications, not
/// 100,000; ≤ 5 s until replanned. (At S, which has 10,000 commitments, the statement changes half of them.)
struct BulkChangeFigure {
    let bench: Bench

    func measure() throws {
        let db = bench.db
        let n = bench.size.bulkChange
        let listener = try bench.session("parley-bench listener")
        try listener.listen("parley_plan")
        let watcher = try bench.session("parley-bench watcher")
        try bench.avoidHourBoundary(needing: 60)
        // Start from quiet: nothing queued, nothing pending from earlier figures.
        try bench.waitUntil("the plan queue is empty", timeout: 600) {
            try watcher.query("select not exists (select 1 from parley_data.plan_queue) as empty")[0].decode("empty")
        }
        _ = try listener.waitForNotifications(timeout: .milliseconds(200))
        Log.say("figure 7: one statement changing \(n) commitments")
        try db.execute("set role parley_owner")
        let watch = Stopwatch()
        let changed = try db.execute(
            """
            update parley_data.commitments c set due_on = c.due_on + 7
             where c.id in (select x.id from parley_data.commitments x
                             where x.status not in ('fulfilled', 'withdrawn', 'superseded')
                               and x.due_on > current_date + 10
                             order by x.id limit $1)
            """, [n])
        let statementSeconds = watch.seconds
        try db.execute("reset role")
        try bench.waitUntil("parleyd has replanned the changed commitments", timeout: 600) {
            try watcher.query("select not exists (select 1 from parley_data.plan_queue) as empty")[0].decode("empty")
        }
        let total = watch.seconds
        var notifications = 0
        while true {
            let woken = try listener.waitForNotifications(timeout: .milliseconds(500))
            if woken.notifications.isEmpty { break }
            notifications += woken.notifications.count
        }
        let size = bench.size.rawValue
        bench.add(Measurement(
            figure: 7, name: "bulk change of \(changed) commitments: notifications", size: size, value: Double(notifications),
            unit: "", target: "a handful", met: notifications <= 5))
        bench.add(Measurement(
            figure: 7, name: "bulk change of \(changed) commitments: until replanned", size: size, value: total, unit: "s",
            target: "≤ 5 s", met: total <= 5,
            note: "statement \(String(format: "%.2f", statementSeconds)) s, replan \(String(format: "%.2f", total - statementSeconds)) s"))
    }
}
