import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// Readers on standbys (issue 15, item 5): every staff view and every function staff and the service read with
/// answers on a real hot standby, with row-level security intact there.
///
/// The test makes a streaming standby of the test cluster (`scripts/cluster.sh standby`: pg_basebackup -R of the
/// small cluster `make test` runs, a few seconds), records a world on the primary (the demo scenario and its
/// agreements, alerts planned, a secret commitment), waits until the standby has replayed it, and reads there what
/// it enumerates from the catalogue — every view of schema `parley`, every function of it a reader may call, and
/// every one that is not volatile (the daemon's digest previews) — as the superuser, a reader without clearance, a
/// reader cleared for secret and the service's login, each what its roles allow. On a standby anything that writes
/// fails (nextval, a temporary table, an INSERT in a function): so that the test can fail, the world includes a
/// view that calls nextval and a reader's function that creates a temporary table, and those two, and only those,
/// must fail.
@Suite(.serialized) struct StandbyReadTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct CommandFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs scripts/cluster.sh through the shell (system(3), which waits for it by its pid) with its output in a
    /// file: the server it starts would hold a pipe open, and in this test process Foundation's Process was seen not
    /// to notice the script's end (left a zombie, waitUntilExit never returned).
    static func cluster(_ arguments: [String], log: URL) throws {
        let quoted = ([root.appendingPathComponent("scripts/cluster.sh").path] + arguments)
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system("\(quoted) </dev/null >'\(log.path)' 2>&1")
        guard status == 0 else {
            throw CommandFailure(description: "cluster.sh \(arguments.joined(separator: " ")) (status \(status)): "
                + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
        }
    }

    /// What the standby answered: each query that failed, with the login and the error.
    static func readEverything(on standby: Connection, as login: String?) throws -> [String] {
        if let login { try standby.execute("set role \(try standby.escapeIdentifier(login))") }
        defer { _ = try? standby.execute("reset role") }
        // As the enumeration in Tests/sql/410_rls_matrix.sql: required arguments get now(), today, or NULL; then a
        // few calls with arguments that make them do their real work.
        let queries: [String] = try standby.query(
            """
            select format('parley.%I', c.relname) as query
              from pg_class c
             where c.relnamespace = 'parley'::regnamespace and c.relkind in ('v', 'm')
               and has_table_privilege(c.oid, 'select')
            union all
            select format('parley.%I(%s)', p.proname, coalesce((
                       select string_agg(format('%I => %s', a.name,
                                                case a.type when 'timestamptz'::regtype then 'now()'
                                                            when 'date'::regtype then 'current_date'
                                                            else 'null::' || a.type::regtype end), ', ' order by a.n)
                         from unnest(p.proargnames[1:p.pronargs - p.pronargdefaults], p.proargtypes::oid[])
                              with ordinality a(name, type, n)
                        where a.n <= p.pronargs - p.pronargdefaults), ''))
              from pg_proc p
             where p.pronamespace = 'parley'::regnamespace and p.prokind = 'f'
               and (p.provolatile <> 'v' or has_function_privilege('parley_reader', p.oid, 'execute'))
               and has_function_privilege(p.oid, 'execute')
               and p.proname <> 'delivery_digest'
            order by 1
            """).map { try $0.decode("query") }
        var extra = [
            "parley.commitments_as_of(now() - interval '1 day', track_code => 'istanbul')",
            "parley.commitments_as_of(now() - interval '400 days', party_code => 'RU')",
            "parley.agenda_as_of(now() - interval '1 day', track_code => 'istanbul')",
            "parley.implementation_as_of(current_date - 1)",
            "parley.calendar_entries(track => 'istanbul')",
        ]
        extra.removeAll { call in
            let name = String(call.dropFirst("parley.".count).prefix { $0 != "(" })
            return !((try? standby.value("select has_function_privilege(min(oid), 'execute') from pg_proc where proname = $1 and pronamespace = 'parley'::regnamespace", [name], as: Bool.self)) ?? false)
        }
        var failures: [String] = []
        for query in queries + extra {
            do {
                // Every column of every row, as text: nothing the query computes is left out.
                _ = try standby.query("select count(*) from (select md5(v::text) from \(query) v) x")
            } catch let error as PQError {
                failures.append("\(query) as \(login ?? "postgres"): \(error.serverMessage)")
            }
        }
        #expect(queries.count > 20, "the catalogue lists the staff queries (\(queries.count))")
        return failures
    }

    @Test func everyStaffViewAndFunctionAnswersOnAHotStandbyWithRowLevelSecurity() throws {
        try TestDatabase.with { database in
            let primary = try database.connect()
            let imported = try ProgramRun.run(
                "parley", ["import", Self.root.appendingPathComponent("examples/demo.yaml").path],
                environment: database.environment)
            try #require(imported.status == 0, "\(imported.stderr)")
            try primary.executeScript(
                try String(contentsOf: Self.root.appendingPathComponent("examples/agreements.sql"), encoding: .utf8),
                name: "examples/agreements.sql")
            try primary.executeScript(
                """
                select count(*) from parley.plan_alerts(now());
                select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU',
                       beneficiaries => array['UA'], text => 'Secret back-channel promise', made_on => current_date - 3,
                       due_on => current_date + 10, code => 'standby-secret', classification => 'secret');
                create sequence parley.zz_standby_counter;
                create view parley.zz_standby_writes as select nextval('parley.zz_standby_counter') as n;
                create function parley.zz_standby_scratch() returns setof integer language plpgsql as $$
                begin
                    create temporary table if not exists zz_scratch (n integer);
                    return query select 1;
                end $$;
                grant select on parley.zz_standby_writes to parley_reader;
                grant usage on sequence parley.zz_standby_counter to parley_reader;
                revoke execute on function parley.zz_standby_scratch() from public;
                grant execute on function parley.zz_standby_scratch() to parley_reader;
                """, name: "standby world")
            // Logins of this test only (roles are the cluster's): without clearance, cleared for secret, the service.
            let suffix = database.name
            let logins = ["reader": "sr_\(suffix)", "cleared": "sc_\(suffix)", "daemon": "sd_\(suffix)"]
            try primary.executeScript(
                """
                create role \(logins["reader"]!) login in role parley_reader;
                create role \(logins["cleared"]!) login in role parley_reader, parley_clearance_secret;
                create role \(logins["daemon"]!) login in role parley_daemon;
                """, name: "standby logins")
            defer {
                for login in logins.values { _ = try? primary.execute("drop owned by \(login)"); _ = try? primary.execute("drop role if exists \(login)") }
            }
            // Statistics, as autovacuum would gather them on a real primary (a standby cannot gather its own): without
            // them the planner guesses, and some staff queries take seconds on this small world.
            try primary.execute("analyze")
            let written: String = try primary.value("select pg_current_wal_lsn()::text")

            let directory = URL(fileURLWithPath: NSTemporaryDirectory())
                .appendingPathComponent("parley-standby-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            defer {
                try? Self.cluster(["stop", directory.path], log: directory.appendingPathComponent("stop.log"))
                try? FileManager.default.removeItem(at: directory)
            }
            guard let host = ProcessInfo.processInfo.environment["PGHOST"] else {
                Issue.record("PGHOST is not set: run the tests with make test")
                return
            }
            try Self.cluster(["standby", directory.path, host, "--throwaway"], log: directory.appendingPathComponent("standby.log"))
            let socket = directory.appendingPathComponent("run").path
            let standby = try Connection(conninfo: "host=\(socket) dbname=\(database.name) user=postgres",
                                         applicationName: "parley-tests standby")
            #expect(try standby.value("select pg_is_in_recovery()", as: Bool.self), "the standby is a hot standby")
            // Replayed up to what the primary had written when the world was recorded.
            var replayed = false
            for _ in 0..<300 {
                replayed = try standby.value("select pg_last_wal_replay_lsn() >= $1::pg_lsn", [written], as: Bool.self)
                if replayed { break }
                usleep(100_000)
            }
            try #require(replayed, "the standby replayed the world within 30 s")

            var failures: [String] = []
            for login in [nil, logins["reader"], logins["cleared"], logins["daemon"]] {
                failures += try Self.readEverything(on: standby, as: login)
            }
            let expected = failures.filter { $0.contains("zz_standby_") }
            let unexpected = failures.filter { !$0.contains("zz_standby_") }
            #expect(unexpected.isEmpty, "on a hot standby: \(unexpected.joined(separator: "\n"))")
            // The probes that write fail, for every login that may read them: the check can fail.
            #expect(expected.filter { $0.hasPrefix("parley.zz_standby_writes ") }.count == 3, "\(expected)")
            #expect(expected.filter { $0.hasPrefix("parley.zz_standby_scratch() ") }.count == 3, "\(expected)")
            #expect(expected.allSatisfy { $0.contains("read-only transaction") }, "\(expected)")

            // Row-level security, as replicated: the secret commitment for the cleared reader only, now and as of.
            for (login, sees) in [(logins["reader"]!, 0), (logins["cleared"]!, 1)] {
                try standby.execute("set role \(login)")
                #expect(try standby.value("select count(*)::int from parley.commitments where code = 'standby-secret'", as: Int.self) == sees, "\(login)")
                #expect(try standby.value("select count(*)::int from parley.commitments_as_of(now(), track_code => 'istanbul') where code = 'standby-secret'", as: Int.self) == sees, "\(login) as of")
                try standby.execute("reset role")
            }
        }
    }
}
