import Foundation
import PQ
import Testing

/// A database of its own for one test, in the server the standard PG* environment names.
///
/// Tests connect to `postgres`, create `pq_<random>`, work there and drop it, so that tests and suites can run in
/// parallel. Without `PGHOST` the tests fail (never skip): they need a real server.
struct TestDatabase {
    /// A libpq conninfo for the test's database; the other parameters come from the PG* environment.
    let conninfo: String
    /// The database's name.
    let name: String

    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates a database, runs `body` with it and drops it.
    static func with<Result>(_ body: (TestDatabase) throws -> Result) throws -> Result {
        guard let host = ProcessInfo.processInfo.environment["PGHOST"], !host.isEmpty else {
            throw SetupError(description: """
                PGHOST is not set: the PQ tests need a real PostgreSQL server. Start one with \
                `scripts/cluster.sh start DIR --throwaway && eval "$(scripts/cluster.sh env DIR)"`.
                """)
        }
        let name = "pq_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let admin = try Connection(conninfo: "dbname=postgres", applicationName: "pq-tests-admin")
        try admin.execute("create database \(admin.escapeIdentifier(name))")
        defer {
            _ = try? admin.execute("drop database if exists \(admin.escapeIdentifier(name)) with (force)")
        }
        return try body(TestDatabase(conninfo: "dbname=\(name)", name: name))
    }

    /// A new connection to the test's database.
    func connect(applicationName: String? = "pq-tests") throws -> Connection {
        try Connection(conninfo: conninfo, applicationName: applicationName)
    }
}

/// How long `body` took, in seconds.
func secondsTaken<Result>(_ body: () throws -> Result) rethrows -> (Result, Double) {
    let start = ContinuousClock.now
    let result = try body()
    let taken = start.duration(to: ContinuousClock.now)
    return (result, Double(taken.components.seconds) + Double(taken.components.attoseconds) / 1e18)
}

extension Connection {
    /// Sends `value` as parameter `$1` cast to `type` and decodes the value back as `T`.
    func roundTrip<T: PQDecodable>(_ value: some PQEncodable, as type: String, to: T.Type = T.self) throws -> T {
        try query("select $1::\(type) as v", [value])[0].decode("v")
    }

    /// The one value of a one-row, one-column query.
    func value<T: PQDecodable>(_ sql: String, _ parameters: [any PQEncodable] = [], as: T.Type = T.self) throws -> T {
        let result = try query(sql, parameters)
        try #require(result.rowCount == 1, "expected one row from \(sql)")
        return try result[0].decode(0)
    }
}
