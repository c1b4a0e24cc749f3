import Foundation
import PQ
import Parley

/// A database of its own for one test, copied from the migrated template that `make test` prepares.
///
/// `make test` starts a throwaway cluster, migrates `parley_template` and exports `PARLEY_TEST_TEMPLATE`, so a
/// test gets a fully migrated database in a fraction of a second and tests run in parallel without touching each
/// other. Without that environment the tests fail (they never skip): they need the real server.
public struct TestDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// A libpq conninfo for the database; the other parameters come from the PG* environment.
    public var conninfo: String { "dbname=\(name)" }

    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates a database (migrated, or `empty`), runs `body` with it, and drops it afterwards.
    public static func with<Result>(
        empty: Bool = false, _ body: (TestDatabase) throws -> Result
    ) throws -> Result {
        let database = try create(empty: empty)
        defer { database.drop() }
        return try body(database)
    }

    /// Async variant, for tests that await.
    public static func with<Result>(
        empty: Bool = false, _ body: (TestDatabase) async throws -> Result
    ) async throws -> Result {
        let database = try create(empty: empty)
        defer { database.drop() }
        return try await body(database)
    }

    static func create(empty: Bool) throws -> TestDatabase {
        let environment = ProcessInfo.processInfo.environment
        guard let template = environment["PARLEY_TEST_TEMPLATE"], !template.isEmpty,
              environment["PGHOST"] != nil
        else {
            throw SetupError(description: """
                PARLEY_TEST_TEMPLATE and PGHOST are not set: these tests need the PostgreSQL cluster that \
                `make test` starts. Run them with `make test` (extra arguments: make test ARGS="--filter Name").
                """)
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let admin = try Connection(conninfo: "dbname=postgres", applicationName: "parley-tests-admin")
        let source = empty ? "template0" : template
        // file_copy is the fast way to copy a small template; retry while another test's copy holds it.
        var attempt = 0
        while true {
            do {
                try admin.execute(
                    "create database \(try admin.escapeIdentifier(name)) template \(try admin.escapeIdentifier(source)) strategy file_copy")
                break
            } catch let error as PQError where error.sqlState == .objectInUse && attempt < 50 {
                attempt += 1
                usleep(100_000)
            }
        }
        // A copy does not inherit the template's database settings: set jit = off again, as migration 000001 sets
        // it on a Parley database, so that the tests plan as production does (JIT-compiling the views' plans took
        // seconds a query).
        if !empty {
            try admin.execute("alter database \(try admin.escapeIdentifier(name)) set jit = off")
        }
        return TestDatabase(name: name)
    }

    /// Drops the database, ending any sessions left in it.
    public func drop() {
        guard let admin = try? Connection(conninfo: "dbname=postgres", applicationName: "parley-tests-admin"),
              let quoted = try? admin.escapeIdentifier(name)
        else { return }
        _ = try? admin.execute("drop database if exists \(quoted) with (force)")
    }

    /// A new connection to the database, as the cluster's superuser.
    public func connect(applicationName: String = "parley-tests") throws -> Connection {
        try Connection(conninfo: conninfo, applicationName: applicationName)
    }

    /// The environment a Parley program needs to reach this database.
    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PARLEY_DATABASE_URL"] = conninfo
        return environment
    }
}

extension Connection {
    /// The one value of a one-row, one-column query.
    public func value<T: PQDecodable>(
        _ sql: String, _ parameters: [any PQEncodable] = [], as: T.Type = T.self
    ) throws -> T {
        let result = try query(sql, parameters)
        guard result.rowCount == 1 else {
            throw TestDatabase.SetupError(description: "expected one row, got \(result.rowCount) from: \(sql)")
        }
        return try result[0].decode(0)
    }
}
