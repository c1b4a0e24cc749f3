import PQ

/// Figure 1: the first full plan, against the floor PostgreSQL itself sets.
///
/// Method: `select * from parley.plan_alerts(now())` on the generated data, which nothing has planned yet (the
/// queue holds 'all', as after installing Parley on existing data), timed from the client as one statement with
/// its commit. The floor: the rows that plan wrote to alerts and deliveries, written again by two bare
/// `INSERT … SELECT` into tables of the same shape — `LIKE … INCLUDING ALL` (columns, defaults, checks, indexes) plus
/// the same foreign keys — in one transaction, timed the same way. Target: the plan takes at most twice the floor.
struct FirstPlanFigure {
    let bench: Bench

    func measure() throws {
        let db = bench.db
        try bench.avoidHourBoundary(needing: 0)
        Log.say("figure 1: first full plan")
        let (row, seconds) = try Stopwatch.time { try db.query("select * from parley.plan_alerts(now())")[0] }
        let alerts: Int = try row.decode("alerts_created")
        let deliveries: Int = try row.decode("deliveries_created")
        let subjects: Int = try row.decode("subjects_planned")
        guard alerts > 0, deliveries > 0 else {
            throw BenchError("the first plan created \(alerts) alerts and \(deliveries) deliveries; the data should give many")
        }
        let floor = try floorSeconds()
        let ratio = seconds / floor
        bench.add(Measurement(
            figure: 1, name: "first full plan", size: bench.size.rawValue, value: seconds, unit: "s", target: "", met: nil,
            note: "\(subjects) subjects planned, \(alerts) alerts and \(deliveries) deliveries written"))
        bench.add(Measurement(
            figure: 1, name: "floor: the same rows by bare INSERT … SELECT", size: bench.size.rawValue, value: floor,
            unit: "s", target: "", met: nil, note: "alerts and deliveries into tables of the same shape, with the same foreign keys"))
        bench.add(Measurement(
            figure: 1, name: "first full plan ÷ floor", size: bench.size.rawValue, value: ratio, unit: "×",
            target: "≤ 2×", met: ratio <= 2))
    }

    private func floorSeconds() throws -> Double {
        let db = bench.db
        try db.executeScript(
            """
            drop table if exists bench.floor_deliveries, bench.floor_alerts;
            create table bench.floor_alerts (like parley_data.alerts including all);
            create table bench.floor_deliveries (like parley_data.deliveries including all);
            alter table bench.floor_deliveries
                add foreign key (alert_id, classification) references bench.floor_alerts (id, classification)
                    on update cascade on delete cascade,
                add foreign key (person_id) references parley_data.people (id),
                add foreign key (silence_id, silence_classification)
                    references parley_data.silences (id, effective_classification);
            """, name: "floor tables")
        let (_, seconds) = try Stopwatch.time {
            try db.executeScript(
                """
                begin;
                insert into bench.floor_alerts overriding system value select * from parley_data.alerts;
                insert into bench.floor_deliveries overriding system value select * from parley_data.deliveries;
                commit;
                """, name: "floor")
        }
        try db.executeScript("drop table bench.floor_deliveries, bench.floor_alerts;", name: "floor cleanup")
        return seconds
    }
}
