import Foundation
import PQ

/// One run of the benchmark: generates the data, measures the figures (the eight of issue 8, and 9, the cost of a
/// write, of issue 15) in an order where each leaves the database as the next needs it, and collects the report.
///
/// The order: 1 (first plan) must see data never planned; 2 (re-plan) right after it and again after 4 (mailer) and
/// 5 (views), which run without the daemon so that nothing else runs; then parleyd starts for 6 (idle, while
/// nothing changes), 3 (change to alert) and 7 (bulk change); 8 (import), as it adds data; 9 (writes) last, without
/// the daemon, as the changes it makes are left unplanned.
final class Bench {
    let options: BenchOptions
    /// A superuser session on the benchmark database.
    let db: Connection
    var report: Report
    /// The running parleyd of figures 3, 6 and 7.
    var daemon: DaemonProcess?

    /// The login roles the figures act as: the daemon and mailer, a reader without clearance, a reader cleared for
    /// secret, a writer cleared for secret (the import). Created by `createRoles()`.
    static let daemonRole = "bench_daemon"
    static let readerRole = "bench_reader"
    static let clearedRole = "bench_cleared"
    static let writerRole = "bench_writer"

    init(options: BenchOptions) throws {
        self.options = options
        db = try Connection(applicationName: "parley-bench")
        report = Report(size: options.size.rawValue, startedAt: Date(), machine: Report.machine())
    }

    var size: BenchSize { options.size }

    /// The SQL the database was migrated with (the daemon checks the schema against it).
    var sqlDirectory: String { options.sqlDirectory }

    func binary(_ name: String) -> String {
        URL(fileURLWithPath: options.binDirectory).appendingPathComponent(name).path
    }

    /// The environment for a Parley program run as `role`.
    func environment(role: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGUSER"] = role
        environment["PARLEY_SQL_DIR"] = sqlDirectory
        environment.removeValue(forKey: "PARLEY_DATABASE_URL")
        environment.merge(extra) { $1 }
        return environment
    }

    /// A new session logged in as `role`.
    func connect(as role: String, applicationName: String = "parley-bench") throws -> Connection {
        try Connection(conninfo: "user=\(role)", applicationName: applicationName)
    }

    /// A new superuser session (libpq's defaults, as `db`).
    func session(_ applicationName: String) throws -> Connection {
        try Connection(applicationName: applicationName)
    }

    func add(_ measurement: Measurement) {
        report.add(measurement)
    }

    func run() -> Report {
        do {
            try describeServer()
            try createRoles()
            if Self.reusesData {
                let generator = DataGenerator(bench: self)
                try generator.count()
                guard (report.dataCounts["commitments"] ?? 0) > 0 else {
                    throw BenchError("PARLEY_BENCH_REUSE=1, but the database holds no commitments: generate it first")
                }
                Log.say("PARLEY_BENCH_REUSE=1: measuring the data already in the database")
            } else {
                try DataGenerator(bench: self).generate()
            }
        } catch {
            report.failures.append("setting up: \(Self.describe(error))")
            return report
        }
        figure(1) { try FirstPlanFigure(bench: self).measure() }
        figure(2) { try ReplanFigure(bench: self, steady: false).measure() }
        figure(4) { try MailerFigure(bench: self).measure() }
        figure(5) { try StaffViewsFigure(bench: self).measure() }
        figure(2) { try ReplanFigure(bench: self, steady: true).measure() }
        figure(0) { try startDaemon() }
        if daemon != nil {
            figure(6) { try IdleFigure(bench: self).measure() }
            figure(3) { try ChangeToAlertFigure(bench: self).measure() }
            figure(7) { try BulkChangeFigure(bench: self).measure() }
            daemon?.stop()
        }
        figure(8) { try ImportFigure(bench: self).measure() }
        figure(9) { try WriteCostFigure(bench: self).measure() }
        return report
    }

    /// The figures to measure: all, or those PARLEY_BENCH_FIGURES lists (e.g. `4,8`), for working on one figure
    /// without waiting for the others. Starting parleyd (0) goes with 3, 6 and 7, which need it; the first plan (1)
    /// with 2 and 4, which measure what it leaves (a replan after it, the deliveries it made due).
    static let chosenFigures: Set<Int>? = {
        guard let list = ProcessInfo.processInfo.environment["PARLEY_BENCH_FIGURES"], !list.isEmpty else { return nil }
        var chosen = Set(list.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        if !chosen.isDisjoint(with: [3, 6, 7]) { chosen.insert(0) }
        if !chosen.isDisjoint(with: [2, 4]) { chosen.insert(1) }
        return chosen
    }()

    /// PARLEY_BENCH_REUSE=1: measure a database generated by an earlier run (e.g. an L database kept on a cluster of
    /// one's own and migrated to new code since) instead of generating the data again. Only for figure 5, which
    /// reads and changes nothing: every other figure changes the data, so a second run would not measure the same.
    static let reusesData: Bool = ProcessInfo.processInfo.environment["PARLEY_BENCH_REUSE"] == "1"

    /// Runs one figure; a failure is recorded (the run goes on with the next figure and ends non-zero).
    private func figure(_ number: Int, _ work: () throws -> Void) {
        if let chosen = Self.chosenFigures, !chosen.contains(number) { return }
        do {
            try work()
        } catch {
            let what = number == 0 ? "starting parleyd" : "figure \(number)"
            Log.say("\(what) broke: \(Self.describe(error))")
            report.failures.append("\(what): \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PQError { return error.serverMessage }
        return "\(error)"
    }

    private func describeServer() throws {
        let version: String = try db.query("select version() as v")[0].decode("v")
        var settings: [String: String] = [:]
        for row in try db.query(
            """
            select name, setting || coalesce(' ' || unit, '') as value from pg_settings
             where source not in ('default', 'override', 'client', 'session') order by name
            """) {
            settings[try row.decode("name")] = try row.decode("value")
        }
        report.server = Report.Server(version: version, nonDefaultSettings: settings)
    }

    /// The login roles of the figures, members of Parley's group roles as a real installation's would be. (The
    /// names are written out: SQL text takes no interpolated values, not even constants.)
    private func createRoles() throws {
        try db.executeScript(
            """
            do $$
            declare
                r text;
            begin
                foreach r in array array['bench_daemon', 'bench_reader', 'bench_cleared', 'bench_writer'] loop
                    if not exists (select 1 from pg_roles where rolname = r) then
                        execute format('create role %I login', r);
                    end if;
                end loop;
            end
            $$;
            grant parley_daemon to bench_daemon;
            grant parley_reader to bench_reader;
            grant parley_reader, parley_clearance_secret to bench_cleared;
            grant parley_writer, parley_clearance_secret to bench_writer;
            """, name: "bench roles")
    }

    private func startDaemon() throws {
        let log = URL(fileURLWithPath: options.workDirectory).appendingPathComponent("parleyd.log").path
        Log.say("starting parleyd (log: \(log))")
        let daemon = try DaemonProcess(
            binary: binary("parleyd"),
            environment: environment(role: Self.daemonRole, extra: ["PARLEY_LOG_LEVEL": "debug"]),
            logPath: log, pidPath: URL(fileURLWithPath: options.workDirectory).appendingPathComponent("parleyd.pid").path)
        self.daemon = daemon
        // Leading and done with its first (full) plan.
        do {
            try waitUntil("parleyd leads and has planned", timeout: 600) {
                try db.query(
                    """
                    select exists (select 1 from parley_data.daemon_instances
                                    where pid = $1 and role = 'leader' and last_plan_at is not null) as ready
                    """, [Int(daemon.pid)])[0].decode("ready")
            }
        } catch {
            daemon.stop()
            self.daemon = nil
            let tail = daemon.logLines.suffix(3).joined(separator: " | ")
            throw BenchError("\(error); the end of its log: \(tail)")
        }
    }

    /// Polls `condition` every 20 ms until it holds.
    ///
    /// - Throws: `BenchError` when it does not hold within `timeout` seconds, or the daemon died.
    func waitUntil(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
        let watch = Stopwatch()
        while try !condition() {
            if let daemon, !daemon.isRunning {
                throw BenchError("parleyd exited while waiting until \(what); see \(daemon.logPath)")
            }
            if watch.seconds > timeout { throw BenchError("timed out after \(Int(timeout)) s waiting until \(what)") }
            usleep(20_000)
        }
    }

    /// Every alert moment of the generated data is on a whole UTC hour (bench/generate.sql). A measurement that
    /// needs `seconds` without anything falling due waits, if the next hour is nearer than that, until the hour has
    /// passed and what fell due at it is planned: by the daemon when it runs, else here.
    func avoidHourBoundary(needing seconds: Double) throws {
        let now = Date().timeIntervalSince1970
        let nextHour = (now / 3600).rounded(.down) * 3600 + 3600
        guard nextHour - now < seconds + 5 else { return }
        let wait = nextHour - now + 2
        Log.say("waiting \(Int(wait)) s for the hour to pass (alerts fall due on the hour)")
        usleep(UInt32(wait * 1_000_000))
        guard daemon != nil else {
            _ = try db.query("select * from parley.plan_alerts(now())")
            return
        }
        do {
            try waitUntil("parleyd has planned what fell due on the hour", timeout: 60) {
                try db.query("select coalesce(parley.next_alert_at(now()) > now(), true) as planned")[0].decode("planned")
            }
        } catch let error as BenchError where error.description.hasPrefix("timed out") {
            // parleyd should have: say so, and plan it here so that the next figure starts from quiet.
            let warning = "parleyd had not planned what fell due on the hour after 60 s; the benchmark planned it"
            Log.say("WARNING: \(warning)")
            report.warnings.append(warning)
            _ = try db.query("select * from parley.plan_alerts(now())")
        }
    }
}
