import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// The privilege matrix: every role staff and the service log in with (`parley_reader`, `parley_writer`,
/// `parley_admin`, `parley_daemon`, and a login with no Parley role) × every schema, table, sequence, view and function of `parley`
/// and `parley_data`, enumerated from the catalogue, so that an object added by a later migration is covered without
/// editing this test.
///
/// What is allowed comes from rules (DESIGN.md, the views issue and 000006_security.sql), not from a list of grants:
///
/// 1. **Schemas.** `parley`: USAGE for reader, writer and daemon. `parley_data`: nothing for anyone. CREATE in
///    neither.
/// 2. **Tables and sequences of `parley_data`.** Never INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES or TRIGGER (every
///    write goes through a SECURITY DEFINER function), never a sequence. SELECT exactly when the role needs it
///    underneath something it may use (security-invoker views and policies run as the caller): a table read by a
///    view it may select (found in `pg_depend`, through nested views), by a policy of such a table, or by a
///    security-invoker function it may execute (found in the function's body). And in effect nobody reaches any of
///    them directly: `select … from parley_data.x` is refused (no USAGE on the schema).
/// 3. **Views of `parley`.** SELECT for reader and writer, every view (the views issue: all views are granted to
///    `parley_reader`); for the daemon, at least the views the service's code reads. Never a write privilege.
/// 4. **Functions of `parley`.**
///    - VOLATILE SECURITY DEFINER (it records something): the daemon's when the service's code (parleyd, the mailer)
///      calls it, directly or through the functions of `parley` it calls (a plan goes through
///      `plan_alerts_as_leader`, which calls `plan_alerts`); the administrator's (and nobody else's) when it changes
///      what Parley does for everybody (its comment says "administrators only": alert rules, the stale threshold,
///      the mail ceiling); otherwise the writer's; never the reader's, never two of them.
///    An administrator is a reader too: the rules for readers hold for it.
///    - non-volatile SECURITY DEFINER: when it reads a table under row-level security (it reads past it), the
///      service's only; when it reads none (the applied migrations), anyone's with a Parley role.
///    - SECURITY INVOKER (reads as the caller, under row-level security): reader and writer; the daemon may.
///    - A volatile SECURITY INVOKER function fits no rule and fails the test until a rule is written for it.
/// 5. **Functions of `parley_data`.** EXECUTE exactly when needed underneath (a view's, a policy's or an invoker
///    function's call, as for tables); directly callable by nobody (no USAGE on the schema).
/// 6. **The login with no Parley role** has no privilege on anything here, and PUBLIC none either.
///
/// Each rule is checked twice: the grant (`has_*_privilege`) and the behaviour (the statement run as the login,
/// inside a transaction that is rolled back: refused with 42501 exactly when not allowed).
@Suite struct PrivilegeMatrixTests {
    enum Who: String, CaseIterable, Sendable {
        case reader, writer, admin, daemon, nobody

        var parleyRole: String? {
            switch self {
            case .reader: "parley_reader"
            case .writer: "parley_writer"
            case .admin: "parley_admin"
            case .daemon: "parley_daemon"
            case .nobody: nil
            }
        }
    }

    struct Relation {
        let oid: Int64
        let schema: String
        let name: String
        let kind: String
        let rowSecurity: Bool
        var qualified: String { "\(schema).\(name)" }
    }

    struct Function {
        let oid: Int64
        let schema: String
        let name: String
        let signature: String
        let volatile: Bool
        let definer: Bool
        let body: String
        let nullCall: String
        /// Its comment says it changes what Parley does for everybody ("administrators only").
        let administration: Bool
    }

    /// Every failed expectation, collected so that one run shows the whole picture.
    final class Findings {
        var problems: [String] = []
        var checks = 0

        func check(_ condition: Bool, _ problem: @autoclosure () -> String) {
            checks += 1
            if !condition { problems.append(problem()) }
        }
    }

    /// The repository's root, for reading the service's Swift sources.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The objects of schema `parley` that the service's code (parleyd and the mailer) uses in the SQL it sends.
    static func serviceReferences() throws -> Set<String> {
        let root = repositoryRoot.appendingPathComponent("Sources/Parley")
        var files: [URL] = []
        for folder in ["Daemon", "Mail"] {
            files += try FileManager.default.contentsOfDirectory(
                at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil
            ).filter { $0.pathExtension == "swift" }
        }
        var names = Set<String>()
        let pattern = try NSRegularExpression(pattern: #"\bparley\.([a-z_][a-z0-9_]*)"#)
        // Only the SQL the code sends: a digest's psql hints for its reader name staff functions too.
        for file in files {
            for literal in SwiftSQLLiterals(source: try String(contentsOf: file, encoding: .utf8)).literals {
                let text = literal.text
                for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    names.insert(String(text[Range(match.range(at: 1), in: text)!]))
                }
            }
        }
        return names
    }

    @Test func everyRoleHasExactlyWhatTheRulesAllow() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let logins = try TestLogins.create(on: connection)
            defer { logins.drop(on: connection) }
            let findings = Findings()
            var service = try Self.serviceReferences()
            #expect(service.contains("plan_alerts_as_leader") && service.contains("claim_round"),
                    "the service's calls were not found in Sources/Parley: \(service.sorted())")

            let relations = try connection.query(
                """
                select c.oid::int8 as oid, n.nspname::text as schema, c.relname::text as name, c.relkind::text as kind,
                       c.relrowsecurity as row_security
                  from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname in ('parley', 'parley_data') and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
                 order by 2, 3
                """
            ).map { Relation(oid: try $0.decode("oid"), schema: try $0.decode("schema"), name: try $0.decode("name"),
                             kind: try $0.decode("kind"), rowSecurity: try $0.decode("row_security")) }
            let functions = try connection.query(
                """
                select p.oid::int8 as oid, n.nspname::text as schema, p.proname::text as name,
                       p.oid::regprocedure::text as signature, p.provolatile = 'v' as volatile, p.prosecdef as definer,
                       p.prosrc as body,
                       coalesce(obj_description(p.oid, 'pg_proc'), '') like '%(administrators only%' as administration,
                       format('select %I.%I(%s)', n.nspname, p.proname,
                              coalesce((select string_agg('null::' || format_type(t, null), ', ' order by i)
                                          from unnest(p.proargtypes::oid[]) with ordinality a(t, i)), '')) as null_call
                  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname in ('parley', 'parley_data') and p.prokind in ('f', 'p')
                 order by 2, 3, 4
                """
            ).map { Function(oid: try $0.decode("oid"), schema: try $0.decode("schema"), name: try $0.decode("name"),
                             signature: try $0.decode("signature"), volatile: try $0.decode("volatile"),
                             definer: try $0.decode("definer"), body: try $0.decode("body"),
                             nullCall: try $0.decode("null_call"), administration: try $0.decode("administration")) }
            #expect(relations.count > 40 && functions.count > 40, "the catalogue looks empty")

            // What the service's functions call in schema parley is the service's too: parleyd plans through
            // plan_alerts_as_leader, which proves the leadership and then calls plan_alerts.
            let call = try NSRegularExpression(pattern: #"\bparley\.([a-z_][a-z0-9_]*)\s*\("#)
            let parleyFunctions = Set(functions.filter { $0.schema == "parley" }.map(\.name))
            var unexplored = Array(service)
            while let name = unexplored.popLast() {
                for function in functions where function.schema == "parley" && function.name == name {
                    let body = function.body.lowercased()
                    for match in call.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
                        let called = String(body[Range(match.range(at: 1), in: body)!])
                        if parleyFunctions.contains(called) && service.insert(called).inserted { unexplored.append(called) }
                    }
                }
            }
            #expect(service.contains("plan_alerts"), "plan_alerts_as_leader no longer calls parley.plan_alerts")

            // What views, policies and functions read, from pg_depend: dependent object → relations and functions.
            var reads: [Int64: Set<Int64>] = [:]
            for row in try connection.query(
                """
                select r.ev_class::int8 as reader, d.refobjid::int8 as read
                  from pg_rewrite r join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
                 where d.refclassid in ('pg_class'::regclass, 'pg_proc'::regclass) and d.refobjid <> r.ev_class
                union
                select p.polrelid::int8, d.refobjid::int8
                  from pg_policy p join pg_depend d on d.classid = 'pg_policy'::regclass and d.objid = p.oid
                 where d.refclassid in ('pg_class'::regclass, 'pg_proc'::regclass) and d.refobjid <> p.polrelid
                union
                -- Functions with an SQL-standard body (`return …`, `begin atomic`) record what they read.
                select d.objid::int8, d.refobjid::int8
                  from pg_depend d
                 where d.classid = 'pg_proc'::regclass and d.refclassid in ('pg_class'::regclass, 'pg_proc'::regclass)
                   and d.objid <> d.refobjid
                """) {
                reads[try row.decode("reader"), default: []].insert(try row.decode("read"))
            }
            // What a function reads: the parley_data objects its body names.
            let dataNames = Dictionary(
                (relations.filter { $0.schema == "parley_data" }.map { ($0.name, [$0.oid]) })
                    + functions.filter { $0.schema == "parley_data" }.map { ($0.name, [$0.oid]) },
                uniquingKeysWith: +)
            let word = try NSRegularExpression(pattern: #"[a-z_][a-z0-9_]*"#)
            for function in functions {
                let body = function.body.lowercased()
                for match in word.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
                    let token = String(body[Range(match.range, in: body)!])
                    for oid in dataNames[token] ?? [] where oid != function.oid {
                        reads[function.oid, default: []].insert(oid)
                    }
                }
            }

            let functionByOID = Dictionary(uniqueKeysWithValues: functions.map { ($0.oid, $0) })
            let relationByOID = Dictionary(uniqueKeysWithValues: relations.map { ($0.oid, $0) })

            // Whether a function reads a table under row-level security, itself or through the functions it calls.
            func readsRowSecurity(_ start: Int64) -> Bool {
                var seen: Set<Int64> = [start]
                var frontier = [start]
                while let next = frontier.popLast() {
                    for read in reads[next] ?? [] where seen.insert(read).inserted {
                        if relationByOID[read]?.rowSecurity == true { return true }
                        if functionByOID[read] != nil { frontier.append(read) }
                    }
                }
                return false
            }

            let pastRowSecurity = functions.filter { $0.schema == "parley" && $0.definer && !$0.volatile && readsRowSecurity($0.oid) }
            #expect(pastRowSecurity.contains { $0.name == "delivery_digest" },
                    "the rule for reads past row-level security found only: \(pastRowSecurity.map(\.name))")

            // Rule 3 and 4: what each role may use in schema parley.
            func mayUseInParley(_ who: Who, relation: Relation) -> Bool? {
                switch who {
                case .nobody: return false
                case .reader, .writer, .admin: return true
                case .daemon: return service.contains(relation.name) ? true : nil  // nil: allowed, not required
                }
            }
            enum Problem: Error { case unclassified(String) }
            func mayExecuteInParley(_ who: Who, function: Function) throws -> Bool? {
                if who == .nobody { return false }
                switch (function.definer, function.volatile) {
                case (true, true):
                    if function.administration { return who == .admin }
                    let daemons = service.contains(function.name)
                    return who == .daemon ? daemons : (who == .writer ? !daemons : false)
                case (true, false):
                    // Past row-level security: the service's only. One that reads no table under row-level
                    // security (the applied migrations) hides nothing and may be anyone's with a Parley role.
                    return readsRowSecurity(function.oid) ? who == .daemon : nil
                case (false, false):
                    return who == .daemon ? nil : true
                case (false, true):
                    throw Problem.unclassified("\(function.signature) is VOLATILE SECURITY INVOKER: no rule covers it")
                }
            }

            // Rule 2 and 5: what a role needs underneath what it may use, to a fixed point.
            func needed(by who: Who) throws -> Set<Int64> {
                guard let role = who.parleyRole else { return [] }
                var used = Set<Int64>()
                for relation in relations where relation.schema == "parley" {
                    let allowed: Bool = try connection.value(
                        "select has_table_privilege($1, $2::oid, 'select')", [role, relation.oid])
                    if allowed { used.insert(relation.oid) }
                }
                for function in functions where function.schema == "parley" && !function.definer {
                    let allowed: Bool = try connection.value(
                        "select has_function_privilege($1, $2::oid, 'execute')", [role, function.oid])
                    if allowed { used.insert(function.oid) }
                }
                var needed = Set<Int64>()
                var frontier = Array(used)
                while let next = frontier.popLast() {
                    for read in reads[next] ?? [] where !needed.contains(read) && !used.contains(read) {
                        // A definer function runs as its owner: what it reads is not the caller's business.
                        if let function = functionByOID[read] {
                            guard function.schema == "parley_data" else { continue }
                            needed.insert(read)
                            if !function.definer { frontier.append(read) }
                        } else if let relation = relationByOID[read], relation.schema == "parley_data" {
                            needed.insert(read)
                            frontier.append(read)
                        } else if relationByOID[read] != nil {
                            frontier.append(read)  // a nested view of parley
                        }
                    }
                }
                return needed
            }

            for who in Who.allCases {
                let login = logins.name(for: who)
                let underneath = try needed(by: who)

                // 1. Schemas.
                for (schema, usage) in [("parley", who != .nobody), ("parley_data", false)] {
                    let has: Bool = try connection.value("select has_schema_privilege($1, $2, 'usage')", [login, schema])
                    findings.check(has == usage, "\(who): USAGE on schema \(schema) is \(has), the rule says \(usage)")
                    let create: Bool = try connection.value("select has_schema_privilege($1, $2, 'create')", [login, schema])
                    findings.check(!create, "\(who): may CREATE in schema \(schema)")
                }

                for relation in relations {
                    let writes: [String] = relation.kind == "S"
                        ? ["usage", "select", "update"]
                        : ["insert", "update", "delete", "truncate", "references", "trigger"]
                    for privilege in writes {
                        let has: Bool = try connection.value(
                            relation.kind == "S" ? "select has_sequence_privilege($1, $2::oid, $3)"
                                : "select has_table_privilege($1, $2::oid, $3)",
                            [login, relation.oid, privilege])
                        findings.check(!has, "\(who): has \(privilege.uppercased()) on \(relation.qualified)")
                    }
                    let columnGrants: Int = try connection.value(
                        """
                        select count(*)::int from pg_attribute a, aclexplode(a.attacl) x
                         where a.attrelid = $1::oid and x.grantee = (select oid from pg_roles where rolname = $2)
                        """, [relation.oid, who.parleyRole ?? login])
                    findings.check(columnGrants == 0, "\(who): has column privileges on \(relation.qualified)")
                    guard relation.kind != "S" else { continue }

                    let selects: Bool = try connection.value(
                        "select has_table_privilege($1, $2::oid, 'select')", [login, relation.oid])
                    let statement = "select count(*) from \(try connection.escapeIdentifier(relation.schema)).\(try connection.escapeIdentifier(relation.name))"
                    let outcome = try attempt(statement, as: login, on: connection)
                    if relation.schema == "parley_data" {
                        let expected = underneath.contains(relation.oid)
                        findings.check(selects == expected,
                                       "\(who): SELECT on \(relation.qualified) is \(selects), needed underneath: \(expected)")
                        findings.check(outcome == .insufficientPrivilege,
                                       "\(who): reading \(relation.qualified) directly gave \(outcome?.rawValue ?? "rows"), not 42501")
                    } else {
                        let rule = mayUseInParley(who, relation: relation)
                        if let rule {
                            findings.check(selects == rule, "\(who): SELECT on \(relation.qualified) is \(selects), the rule says \(rule)")
                        }
                        findings.check(selects ? outcome == nil : outcome == .insufficientPrivilege,
                                       "\(who): select from \(relation.qualified) gave \(outcome?.rawValue ?? "rows") with SELECT \(selects)")
                        let insert = "insert into \(try connection.escapeIdentifier(relation.schema)).\(try connection.escapeIdentifier(relation.name)) default values"
                        let inserted = try attempt(insert, as: login, on: connection)
                        findings.check(inserted != nil, "\(who): an insert into \(relation.qualified) was not refused")
                    }
                }

                for function in functions {
                    let executes: Bool = try connection.value(
                        "select has_function_privilege($1, $2::oid, 'execute')", [login, function.oid])
                    let outcome = try attempt(function.nullCall, as: login, on: connection)
                    if function.schema == "parley_data" {
                        let expected = underneath.contains(function.oid)
                        findings.check(executes == expected,
                                       "\(who): EXECUTE on \(function.signature) is \(executes), needed underneath: \(expected)")
                        findings.check(outcome == .insufficientPrivilege,
                                       "\(who): calling \(function.signature) directly gave \(outcome?.rawValue ?? "a result"), not 42501")
                    } else {
                        do {
                            if let rule = try mayExecuteInParley(who, function: function) {
                                findings.check(executes == rule,
                                               "\(who): EXECUTE on \(function.signature) is \(executes), the rule says \(rule)")
                            }
                        } catch Problem.unclassified(let text) {
                            findings.check(false, text)
                        }
                        findings.check(executes ? outcome != .insufficientPrivilege : outcome == .insufficientPrivilege,
                                       "\(who): calling \(function.signature) gave \(outcome?.rawValue ?? "a result") with EXECUTE \(executes)")
                    }
                }
            }

            // The service can do everything its code asks for (types it casts to, such as parley.classification,
            // are usable by everyone).
            let objectNames = Set(relations.filter { $0.schema == "parley" }.map(\.name)
                                  + functions.filter { $0.schema == "parley" }.map(\.name))
            for name in service.sorted() where objectNames.contains(name) {
                let usable: Bool = try connection.value(
                    """
                    select coalesce(bool_and(has_function_privilege('parley_daemon', p.oid, 'execute')),
                                    bool_and(has_table_privilege('parley_daemon', c.oid, 'select')), false)
                      from (select 1) one
                      left join pg_proc p on p.pronamespace = 'parley'::regnamespace and p.proname = $1
                      left join pg_class c on c.relnamespace = 'parley'::regnamespace and c.relname = $1
                    """, [name])
                findings.check(usable, "the service's code uses parley.\(name), which parley_daemon may not use")
            }
            // PUBLIC holds nothing.
            let publicGrants: [String] = try connection.query(
                """
                select c.oid::regclass::text || ' ' || x.privilege_type as grant
                  from pg_class c, aclexplode(c.relacl) x
                 where c.relnamespace in ('parley'::regnamespace, 'parley_data'::regnamespace) and x.grantee = 0
                union all
                select p.oid::regprocedure::text || ' ' || x.privilege_type
                  from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
                 where p.pronamespace in ('parley'::regnamespace, 'parley_data'::regnamespace) and x.grantee = 0
                """).map { try $0.decode("grant") }
            findings.check(publicGrants.isEmpty, "PUBLIC holds: \(publicGrants.joined(separator: ", "))")

            print("privilege matrix: \(findings.checks) checks over \(Who.allCases.count) roles × "
                  + "\(relations.count) relations and \(functions.count) functions; \(findings.problems.count) failed")
            let report = findings.problems.joined(separator: "\n")
            #expect(findings.problems.isEmpty, "\(findings.problems.count) of \(findings.checks):\n\(report)")
        }
    }

    /// Runs `sql` as `login` in a transaction that is rolled back; nil when it succeeded, else its SQLSTATE.
    func attempt(_ sql: String, as login: String, on connection: Connection) throws -> SQLState? {
        try connection.execute("begin")
        defer { _ = try? connection.execute("rollback") }
        try connection.execute("set local statement_timeout = '10s'")
        try connection.execute("set local session authorization \(try connection.escapeIdentifier(login))")
        do {
            _ = try connection.query(sql)
            return nil
        } catch let error as PQError where error.kind == .server {
            return error.sqlState ?? "XX000"
        }
    }
}
