import Foundation
import PQ
import Testing

@Suite struct ErrorTests {
    @Test func aUniqueViolationCarriesSQLStateConstraintAndTable() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("""
                create table delegations (id serial primary key,
                                          code text not null constraint delegations_code_key unique)
                """)
            try connection.execute("insert into delegations (code) values ($1)", ["IST-secret"])
            let error = try #require(throws: PQError.self) {
                try connection.execute("insert into delegations (code) values ($1)", ["IST-secret"])
            }
            #expect(error.kind == .server)
            #expect(error.sqlState == .uniqueViolation)
            #expect(error.sqlState == "23505")
            #expect(error.sqlState?.class == "23")
            #expect(error.constraint == "delegations_code_key")
            #expect(error.table == "delegations")
            #expect(error.schema == "public")
            #expect(error.severity == "ERROR")
            #expect(error.detail?.contains("IST-secret") == true)
            #expect(error.query == "insert into delegations (code) values ($1)")

            #expect(error.description == "PostgreSQL error 23505 (unique_violation)")
            #expect(!error.description.contains("IST-secret"))
            #expect(error.debugDescription.contains("delegations_code_key"))
            #expect(error.debugDescription.contains("insert into delegations"))
            #expect(error.serverMessage.contains("duplicate key value violates unique constraint"))
            #expect(error.serverMessage.contains("DETAIL: Key (code)=(IST-secret) already exists."))

            // The connection is still usable.
            #expect(try connection.value("select count(*) from delegations", as: Int.self) == 1)
        }
    }

    @Test func serverErrorFieldsArePassedOn() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("create table t (a int not null, b int check (b > 0))")

            let notNull = try #require(throws: PQError.self) { try connection.execute("insert into t (a) values (null)") }
            #expect(notNull.sqlState == .notNullViolation)
            #expect(notNull.column == "a")

            let check = try #require(throws: PQError.self) { try connection.execute("insert into t values (1, -1)") }
            #expect(check.sqlState == .checkViolation)
            #expect(check.constraint == "t_b_check")

            let syntax = try #require(throws: PQError.self) { try connection.query("select * frm t") }
            #expect(syntax.sqlState == .syntaxError)
            #expect(syntax.statementPosition == 10)

            let undefined = try #require(throws: PQError.self) { try connection.query("select * from missing") }
            #expect(undefined.sqlState == .undefinedTable)
            #expect(undefined.description == "PostgreSQL error 42P01 (undefined_table)")

            let raised = try #require(throws: PQError.self) {
                try connection.execute("""
                    do $$ begin raise exception 'no %', 'luck' using detail = 'the detail', hint = 'the hint'; end $$
                    """)
            }
            #expect(raised.sqlState == .raiseException)
            #expect(raised.message == "no luck")
            #expect(raised.serverMessage == "no luck\nDETAIL: the detail\nHINT: the hint")
            #expect(raised.context?.contains("PL/pgSQL") == true)

            let badInput = try #require(throws: PQError.self) { try connection.query("select $1::int", ["x"]) }
            #expect(badInput.sqlState == .invalidTextRepresentation)
        }
    }

    @Test func multipleStatementsCannotBeSmuggledIntoAParameterizedQuery() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let error = try #require(throws: PQError.self) { try connection.query("select 1; select 2", [1]) }
            #expect(error.kind == .server)
            #expect(error.sqlState == .syntaxError)
        }
    }

    @Test func sqlStateIsAnOpenSet() {
        let unknown: SQLState = "ZZ123"
        #expect(unknown.rawValue == "ZZ123")
        #expect(unknown.conditionName == nil)
        #expect(unknown.class == "ZZ")
        #expect(SQLState(rawValue: "23505") == .uniqueViolation)
        #expect(SQLState.deadlockDetected.conditionName == "deadlock_detected")
        #expect(SQLState.exclusionViolation.rawValue == "23P01")

        func retryable(_ state: SQLState) -> Bool {
            switch state {
            case .serializationFailure, .deadlockDetected: return true
            default: return false
            }
        }
        #expect(retryable("40001"))
        #expect(!retryable(.uniqueViolation))
        #expect(Set<SQLState>([.uniqueViolation, "23505"]).count == 1)
    }
}
