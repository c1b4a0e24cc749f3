import Foundation
import PQ
import Testing

@Suite struct TransactionTests {
    struct BodyFailed: Error, Equatable {}

    @Test func aReturningBodyCommits() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let observer = try database.connect()
            try connection.execute("create table t (v int)")
            let value = try connection.transaction { connection in
                try connection.execute("insert into t values (1), (2)")
                #expect(try observer.value("select count(*) from t", as: Int.self) == 0)
                return "done"
            }
            #expect(value == "done")
            #expect(try observer.value("select count(*) from t", as: Int.self) == 2)
        }
    }

    @Test func aThrowingBodyLeavesNothingBehind() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("create table t (v int)")
            #expect(throws: BodyFailed()) {
                try connection.transaction { connection in
                    try connection.execute("insert into t values (1)")
                    try connection.execute("create table u (v int)")
                    throw BodyFailed()
                }
            }
            #expect(try connection.value("select count(*) from t", as: Int.self) == 0)
            #expect(try connection.value("select to_regclass('u') is null", as: Bool.self))

            let error = try #require(throws: PQError.self) {
                try connection.transaction { connection in
                    try connection.execute("insert into t values (1)")
                    try connection.execute("insert into t values ('not a number')")
                }
            }
            #expect(error.sqlState == .invalidTextRepresentation)
            #expect(try connection.value("select count(*) from t", as: Int.self) == 0)
        }
    }

    @Test func nestedTransactionsUseSavepoints() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("create table t (v int)")
            try connection.transaction { connection in
                try connection.execute("insert into t values (1)")
                #expect(throws: BodyFailed()) {
                    try connection.transaction { connection in
                        try connection.execute("insert into t values (2)")
                        throw BodyFailed()
                    }
                }
                try connection.transaction { connection in
                    try connection.execute("insert into t values (3)")
                    try connection.transaction { connection in try connection.execute("insert into t values (4)") }
                }
                let error = try #require(throws: PQError.self) {
                    try connection.transaction(isolation: .serializable) { _ in }
                }
                #expect(error.kind == .usage)
            }
            let values = try connection.query("select v from t order by v").map { try $0.decode("v", as: Int.self) }
            #expect(values == [1, 3, 4])
        }
    }

    @Test func aBodyThatSwallowsAStatementErrorIsRolledBack() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("create table t (v int)")
            let error = try #require(throws: PQError.self) {
                try connection.transaction { connection in
                    try connection.execute("insert into t values (1)")
                    _ = try? connection.execute("select 1/0")
                }
            }
            #expect(error.sqlState == .inFailedSqlTransaction)
            #expect(try connection.value("select count(*) from t", as: Int.self) == 0)
            #expect(try connection.transaction { try $0.value("select 1", as: Int.self) } == 1)
        }
    }

    @Test(arguments: IsolationLevel.allCases)
    func theIsolationLevelIsSet(level: IsolationLevel) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let shown = try connection.transaction(isolation: level) { connection in
                try connection.value("show transaction_isolation", as: String.self)
            }
            #expect(shown == level.rawValue.lowercased())
        }
    }

    @Test func aLostConnectionRethrowsTheBodysErrorWithoutARollback() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let observer = try database.connect()
            let error = try #require(throws: PQError.self) {
                try connection.transaction { connection in
                    try observer.execute("select pg_terminate_backend($1)", [connection.backendPID])
                    try connection.execute("select 1")
                }
            }
            #expect(error.kind == .connectionLost)
            #expect(!connection.isConnected)
        }
    }
}
