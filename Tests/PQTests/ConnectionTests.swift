import Foundation
import PQ
import Testing

@Suite struct ConnectionTests {
    @Test func connectsWithLibpqDefaultsWhenGivenNothing() throws {
        _ = try TestDatabase.with { _ in
            let connection = try Connection(conninfo: nil)
            #expect(connection.isConnected)
            #expect(connection.backendPID > 0)
            #expect(connection.serverVersion >= 100_000)
            #expect(try connection.value("select 1 + 1", as: Int.self) == 2)
        }
    }

    @Test func applicationNameIsAFallbackThatTheConnectionStringOverrides() throws {
        try TestDatabase.with { database in
            let named = try database.connect(applicationName: "pq-tests-fallback")
            #expect(try named.value("show application_name", as: String.self) == "pq-tests-fallback")

            let overridden = try Connection(
                conninfo: "\(database.conninfo) application_name=from-conninfo", applicationName: "pq-tests-fallback")
            #expect(try overridden.value("show application_name", as: String.self) == "from-conninfo")
        }
    }

    @Test func connectsWithAURL() throws {
        try TestDatabase.with { database in
            let host = ProcessInfo.processInfo.environment["PGHOST"]!
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let url = "postgresql:///\(database.name)?host=\(host)&application_name=from-url"
            let connection = try Connection(conninfo: url, applicationName: "pq-tests")
            #expect(try connection.value("select current_database()", as: String.self) == database.name)
            #expect(try connection.value("show application_name", as: String.self) == "from-url")
        }
    }

    @Test func aMissingSocketDirectoryFailsToConnect() throws {
        let error = try #require(throws: PQError.self) {
            try Connection(conninfo: "host=/nonexistent/pq-socket-dir dbname=postgres")
        }
        #expect(error.kind == .connectionFailed)
        #expect(error.message.contains("/nonexistent/pq-socket-dir"))
        #expect(error.description == "could not connect to the database")
    }

    @Test func aMissingDatabaseIsNamedInTheMessage() throws {
        try TestDatabase.with { database in
            let missing = database.name + "_missing"
            let error = try #require(throws: PQError.self) { try Connection(conninfo: "dbname=\(missing)") }
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("database \"\(missing)\" does not exist"))
            #expect(error.serverMessage.contains(missing))

            let plainName = try #require(throws: PQError.self) { try Connection(conninfo: missing) }
            #expect(plainName.message.contains("database \"\(missing)\" does not exist"))
        }
    }

    @Test func aPlainDatabaseNameIsAConninfo() throws {
        try TestDatabase.with { database in
            let connection = try Connection(conninfo: database.name)
            #expect(try connection.value("select current_database()", as: String.self) == database.name)
        }
    }

    /// Malformed strings (a configuration mistake, never worth retrying) are told apart from a server that cannot
    /// be reached or refuses (`connectionFailed`); in neither case is the password shown.
    @Test(arguments: [
        ("postgresql://postgres:Secr3t%21Pw@/pq_no_such_database?host=HOST", PQError.Kind.connectionFailed),
        ("postgresql://postgres:Secr3t!Pw@/pq_no_such_database?host=/nonexistent/pq-socket-dir", .connectionFailed),
        ("postgres://postgres:Secr3t!Pw@[::1/pq_no_such_database", .invalidConnectionString),
        ("postgresql://postgres:Secr3t!Pw@localhost:notaport/pq_no_such_database", .invalidConnectionString),
        ("host=HOST dbname=pq_no_such_database password=Secr3t!Pw", .connectionFailed),
        ("host=HOST dbname=pq_no_such_database password Secr3t!Pw", .invalidConnectionString),
        ("host=HOST dbname=pq_no_such_database password='Secr3t!Pw", .invalidConnectionString),
    ])
    func aPasswordNeverAppearsInAnError(conninfo: String, kind: PQError.Kind) throws {
        let host = ProcessInfo.processInfo.environment["PGHOST"] ?? "/nonexistent"
        let conninfo = conninfo.replacingOccurrences(
            of: "HOST", with: conninfo.hasPrefix("postgres") ? host.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! : host)
        let error = try #require(throws: PQError.self) { try Connection(conninfo: conninfo) }
        #expect(error.kind == kind)
        #expect(!error.message.isEmpty)
        for text in [error.description, error.debugDescription, error.serverMessage, error.message, "\(error)",
                     String(reflecting: error), error.detail ?? ""] {
            #expect(!text.contains("Secr3t"), "password shown in: \(text)")
            #expect(!text.contains("%21Pw"), "password shown in: \(text)")
        }
    }

    @Test func closeIsIdempotentAndEndsTheBackend() throws {
        try TestDatabase.with { database in
            let observer = try database.connect()
            let connection = try database.connect()
            let pid = connection.backendPID
            #expect(try backendExists(pid, seenBy: observer))
            connection.close()
            connection.close()
            #expect(!connection.isConnected)
            #expect(connection.backendPID == 0)
            let error = try #require(throws: PQError.self) { try connection.query("select 1") }
            #expect(error.kind == .usage)
            #expect(try backendEnds(pid, seenBy: observer))
        }
    }

    @Test func droppingAConnectionEndsTheBackend() throws {
        try TestDatabase.with { database in
            let observer = try database.connect()
            var pid: Int32 = 0
            do {
                let connection = try database.connect()
                pid = connection.backendPID
                #expect(try backendExists(pid, seenBy: observer))
            }
            #expect(try backendEnds(pid, seenBy: observer))
        }
    }

    @Test func escapeIdentifierQuotesNames() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            #expect(try connection.escapeIdentifier("Parley Changes") == "\"Parley Changes\"")
            #expect(try connection.escapeIdentifier("a\"b") == "\"a\"\"b\"")
            let error = try #require(throws: PQError.self) { try connection.escapeIdentifier("a\0b") }
            #expect(error.kind == .usage)
        }
    }

    private func backendExists(_ pid: Int32, seenBy observer: Connection) throws -> Bool {
        try observer.value("select count(*) from pg_stat_activity where pid = $1", [pid], as: Int.self) == 1
    }

    /// Whether the backend is gone within five seconds (the server notices the closed socket asynchronously).
    private func backendEnds(_ pid: Int32, seenBy observer: Connection) throws -> Bool {
        for _ in 0..<100 {
            if try !backendExists(pid, seenBy: observer) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
