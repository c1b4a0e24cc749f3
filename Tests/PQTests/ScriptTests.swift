import Foundation
import PQ
import Testing

@Suite struct ScriptTests {
    @Test func aScriptRunsAllItsStatements() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.executeScript("""
                -- A migration; semicolons in comments; do not split.
                create table people (id serial primary key, name text not null);
                /* block; comment /* nested; */ */
                insert into people (name) values ('semi;colon'), ($$dollar; quoted$$);
                create function people_count() returns bigint language plpgsql as $body$
                begin
                    return (select count(*) from people);
                end;
                $body$;
                """, name: "000001_people.sql")
            #expect(try connection.value("select people_count()", as: Int.self) == 2)
        }
    }

    @Test func aFailingScriptNamesFileAndLineAndLeavesNothing() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            // Multi-byte characters before the error: the server's position counts characters, not bytes.
            let script = """
                create table people (id serial primary key, name text not null);
                -- 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 ééééééééééééé
                insert into people (name) values ('Ω');

                select *
                  from missing_relation;
                create table later (id int);
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                -- padding
                """
            let error = try #require(throws: PQError.self) {
                try connection.executeScript(script, name: "sql/migrations/000002_model.sql")
            }
            #expect(error.kind == .server)
            #expect(error.sqlState == .undefinedTable)
            #expect(error.scriptName == "sql/migrations/000002_model.sql")
            #expect(error.scriptLine == 6)
            #expect(error.serverMessage
                == "sql/migrations/000002_model.sql:6: relation \"missing_relation\" does not exist")
            #expect(error.description == "PostgreSQL error 42P01 (undefined_table) in sql/migrations/000002_model.sql:6")
            #expect(error.debugDescription.contains("scriptLine: 6"))
            #expect(try connection.value("select to_regclass('people') is null", as: Bool.self))
        }
    }

    @Test func anErrorWithoutAPositionNamesTheFailingStatementsLine() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let script = """
                create table codes (code text primary key);  -- line 1
                insert into codes values ('a;b'), (E'it\\'s; fine');
                create function f() returns int language sql
                begin atomic
                    select 1;
                    select case when true then 2 end;
                end;
                /* ; */ select 'x;y'
                  , "quoted;name".x from (select 1 as x) as "quoted;name";
                insert into codes
                    values ('a;b');
                select 1;
                """
            let error = try #require(throws: PQError.self) { try connection.executeScript(script, name: "seed.sql") }
            #expect(error.sqlState == .uniqueViolation)
            #expect(error.statementPosition == nil)
            #expect(error.scriptLine == 10)
            #expect(error.serverMessage.hasPrefix("seed.sql:10: duplicate key value"))
        }
    }

    @Test func aScriptWithItsOwnTransactionLeavesTheConnectionUsable() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let error = try #require(throws: PQError.self) {
                try connection.executeScript("""
                    begin;
                    create table t (v int);
                    insert into t values ('x');
                    commit;
                    """, name: "tx.sql")
            }
            #expect(error.scriptLine == 3)
            #expect(error.sqlState == .invalidTextRepresentation)
            #expect(try connection.value("select to_regclass('t') is null", as: Bool.self))
            try connection.transaction { connection in try connection.execute("create table u (v int)") }
            #expect(try connection.value("select to_regclass('u') is not null", as: Bool.self))
        }
    }

    @Test func aScriptInsideATransactionRollsBackWithIt() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            #expect(throws: PQError.self) {
                try connection.transaction { connection in
                    try connection.executeScript("create table a (v int); create table b (v int);", name: "1.sql")
                    try connection.executeScript("create table c (v int);\nselect nope;", name: "2.sql")
                }
            }
            #expect(try connection.value("select to_regclass('a') is null", as: Bool.self))
        }
    }
}
