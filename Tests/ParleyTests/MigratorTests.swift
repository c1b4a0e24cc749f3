import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley migrate`'s rules, on empty databases and a private copy of the SQL directory.
@Suite struct MigratorTests {
    /// A copy of the project's sql/ that a test may change.
    func scratchSQLDirectory() throws -> URL {
        let source = try SQLDirectory.locate()
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("parley-sql-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: copy)
        return copy
    }

    @Test func migratingTwiceChangesNothing() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let migrator = try Migrator(sqlDirectory: try SQLDirectory.locate())
            let first = try migrator.migrate(on: connection)
            #expect(first.migrations.count == migrator.migrations.count)
            #expect(first.repeatables.count == migrator.repeatables.count)
            let recorded: Int = try connection.value("select count(*)::int from parley_data.schema_migrations")
            #expect(recorded == migrator.migrations.count)
            let before: String = try connection.value(
                "select string_agg(version || checksum || applied_at, ',' order by version) from parley_data.schema_migrations")

            let second = try migrator.migrate(on: connection)
            #expect(second.isEmpty)
            let after: String = try connection.value(
                "select string_agg(version || checksum || applied_at, ',' order by version) from parley_data.schema_migrations")
            #expect(after == before)
            try migrator.requireCurrentSchema(on: connection)
        }
    }

    @Test func everyObjectIsOwnedByParleyOwner() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let strays = try connection.query("""
                select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname in ('parley', 'parley_data') and pg_get_userbyid(c.relowner) <> 'parley_owner'
                union all
                select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname in ('parley', 'parley_data') and pg_get_userbyid(p.proowner) <> 'parley_owner'
                """).map { try $0.decode("name", as: String.self) }
            #expect(strays.isEmpty, "objects not owned by parley_owner: \(strays)")
        }
    }

    @Test func anEditedAppliedMigrationIsRefused() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            try Migrator(sqlDirectory: sql).migrate(on: connection)

            let file = sql.appendingPathComponent("migrations/000002_model.sql")
            try (String(contentsOf: file, encoding: .utf8) + "\n-- an afterthought\n").write(to: file, atomically: true, encoding: .utf8)
            #expect {
                try Migrator(sqlDirectory: sql).migrate(on: connection)
            } throws: { error in
                guard case .changedAfterApplying(let name, _, _) = error as? MigrationError else { return false }
                return name == "000002_model.sql"
            }
            #expect(throws: MigrationError.self) { try Migrator(sqlDirectory: sql).requireCurrentSchema(on: connection) }
        }
    }

    /// A fix to an applied migration that names the earlier text's checksum (`-- parley: also applied as sha256 …`)
    /// is not refused where that text was applied, and is not run again there; one that names another checksum is.
    @Test func aFixNamingTheAppliedTextsChecksumIsAccepted() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            try Migrator(sqlDirectory: sql).migrate(on: connection)
            let applied: String = try connection.value(
                "select checksum from parley_data.schema_migrations where version = 2")

            let file = sql.appendingPathComponent("migrations/000002_model.sql")
            let original = try String(contentsOf: file, encoding: .utf8)
            try (original + "\n-- parley: also applied as sha256 \(String(repeating: "0", count: 64))\n")
                .write(to: file, atomically: true, encoding: .utf8)
            #expect(throws: MigrationError.self) { try Migrator(sqlDirectory: sql).migrate(on: connection) }

            try (original + "\n-- parley: also applied as sha256 \(applied)\n").write(to: file, atomically: true, encoding: .utf8)
            let migrator = try Migrator(sqlDirectory: sql)
            let result = try migrator.migrate(on: connection)
            #expect(result.migrations.isEmpty, "the fixed file is not applied again")
            try migrator.requireCurrentSchema(on: connection)
            let recorded: String = try connection.value(
                "select checksum from parley_data.schema_migrations where version = 2")
            #expect(recorded == applied, "the database still records the text it applied")
        }
    }

    @Test func aMissingAppliedFileAndANewerDatabaseAreRefused() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            let migrator = try Migrator(sqlDirectory: sql)
            try migrator.migrate(on: connection)

            // A database migrated by a newer build.
            try connection.execute(
                "insert into parley_data.schema_migrations (version, name, checksum) values (999999, 'from_the_future', 'x')")
            #expect {
                try migrator.migrate(on: connection)
            } throws: { error in
                guard case .databaseNewer(999999, migrator.latestVersion) = error as? MigrationError else { return false }
                return true
            }
            try connection.execute("delete from parley_data.schema_migrations where version = 999999")

            // An applied file removed from the build.
            try FileManager.default.removeItem(at: sql.appendingPathComponent("migrations/000002_model.sql"))
            #expect {
                try Migrator(sqlDirectory: sql).migrate(on: connection)
            } throws: { error in
                guard case .missingFile(2, "model") = error as? MigrationError else { return false }
                return true
            }
        }
    }

    @Test func aFailingMigrationNamesFileAndLineAndLeavesNothing() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            try Migrator(sqlDirectory: sql).migrate(on: connection)
            let broken = sql.appendingPathComponent("migrations/999998_broken.sql")
            try "set local role parley_owner;\ncreate table parley_data.half_done (id int);\n\nselect * from no_such_table;\n"
                .write(to: broken, atomically: true, encoding: .utf8)
            do {
                try Migrator(sqlDirectory: sql).migrate(on: connection)
                Issue.record("a broken migration was applied")
            } catch let error as PQError {
                #expect(error.scriptName?.hasSuffix("999998_broken.sql") == true)
                #expect(error.scriptLine == 4)
            }
            let leftover: Bool = try connection.value("select to_regclass('parley_data.half_done') is not null")
            #expect(!leftover)
            let recorded: Int = try connection.value("select count(*)::int from parley_data.schema_migrations where version = 999998")
            #expect(recorded == 0)
        }
    }

    @Test func concurrentRunsApplyEachMigrationOnce() throws {
        try TestDatabase.with(empty: true) { database in
            let migrator = try Migrator(sqlDirectory: try SQLDirectory.locate())
            // Each run has its own connection on its own thread, as separate processes would.
            let counts = try concurrently(3) { _ in
                try migrator.migrate(on: try database.connect()).migrations.count
            }
            #expect(counts.sorted() == [0, 0, migrator.migrations.count])
            let connection = try database.connect()
            let recorded: Int = try connection.value("select count(*)::int from parley_data.schema_migrations")
            #expect(recorded == migrator.migrations.count)
        }
    }

    @Test func aChangedRepeatableFileIsAppliedAgainAloneAndTheDaemonWaitsForIt() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            try Migrator(sqlDirectory: sql).migrate(on: connection)
            let before: [String: Date] = try appliedAt(on: connection)

            // A reviewer's view of the change: one view of one file, nothing else.
            let file = sql.appendingPathComponent("repeatable/200_views_tracks.sql")
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(
                of: "comment on view parley.whoami is 'Who you are to Parley:",
                with: "comment on view parley.whoami is 'CHANGED Who you are to Parley:")
                .write(to: file, atomically: true, encoding: .utf8)
            let changed = try Migrator(sqlDirectory: sql)
            #expect {
                try changed.requireCurrentSchema(on: connection)
            } throws: { error in
                guard case .definitionsDiffer(let names) = error as? MigrationError else { return false }
                return names == ["200_views_tracks"]
            }

            let applied = try changed.migrate(on: connection)
            #expect(applied.migrations.isEmpty)
            #expect(applied.repeatables.map(\.name) == ["200_views_tracks"])
            let comment: String = try connection.value("select obj_description('parley.whoami'::regclass)")
            #expect(comment.hasPrefix("CHANGED"))
            try changed.requireCurrentSchema(on: connection)
            let after = try appliedAt(on: connection)
            #expect(after.filter { before[$0.key] != $0.value }.keys.sorted() == ["200_views_tracks"])
            #expect(try changed.migrate(on: connection).isEmpty)
        }
    }

    @Test func reapplyingKeepsWhatStaffBuiltOnTheViews() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            try Migrator(sqlDirectory: sql).migrate(on: connection)
            // An analyst's own view on top of Parley's, in a schema of their own.
            try connection.execute("create schema analyst")
            try connection.execute("create view analyst.my_overdue as select code, days_overdue from parley.overdue_commitments")

            // A versioned migration runs: every repeatable file is applied again in its transaction.
            try "set local role parley_owner;\ncomment on table parley_data.tracks is 'tracks';\n"
                .write(to: sql.appendingPathComponent("migrations/999990_touch.sql"), atomically: true, encoding: .utf8)
            let applied = try Migrator(sqlDirectory: sql).migrate(on: connection)
            #expect(applied.migrations.map(\.name) == ["touch"])
            #expect(applied.repeatables.count == (try Migrator(sqlDirectory: sql)).repeatables.count)
            let kept: Bool = try connection.value("select to_regclass('analyst.my_overdue') is not null")
            #expect(kept)
        }
    }

    @Test func aFailingRepeatableFileNamesFileAndLineAndKeepsTheOldDefinitions() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            try Migrator(sqlDirectory: sql).migrate(on: connection)
            let recordedBefore: String = try connection.value(
                "select checksum from parley_data.schema_repeatables where name = '210_views_commitments'")

            let file = sql.appendingPathComponent("repeatable/210_views_commitments.sql")
            try (try String(contentsOf: file, encoding: .utf8)
                .replacingOccurrences(of: "create or replace view parley.due_soon with (security_invoker = true) as",
                                      with: "create or replace view parley.due_soon_new with (security_invoker = true) as")
                + "\nselect * from no_such_table;\n").write(to: file, atomically: true, encoding: .utf8)
            do {
                try Migrator(sqlDirectory: sql).migrate(on: connection)
                Issue.record("a broken repeatable file was applied")
            } catch let error as PQError {
                #expect(error.scriptName?.hasSuffix("210_views_commitments.sql") == true)
                #expect(error.scriptLine != nil)
            }
            let leftover: Bool = try connection.value("select to_regclass('parley.due_soon_new') is not null")
            #expect(!leftover)
            let recordedAfter: String = try connection.value(
                "select checksum from parley_data.schema_repeatables where name = '210_views_commitments'")
            #expect(recordedAfter == recordedBefore)
        }
    }

    @Test func aRemovedRepeatableFileIsForgotten() throws {
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let sql = try scratchSQLDirectory()
            defer { try? FileManager.default.removeItem(at: sql) }
            try Migrator(sqlDirectory: sql).migrate(on: connection)
            try FileManager.default.removeItem(at: sql.appendingPathComponent("repeatable/610_calendar.sql"))
            let migrator = try Migrator(sqlDirectory: sql)
            #expect(throws: MigrationError.self) { try migrator.requireCurrentSchema(on: connection) }
            let applied = try migrator.migrate(on: connection)
            #expect(applied.isEmpty)
            let recorded: Int = try connection.value(
                "select count(*)::int from parley_data.schema_repeatables where name = '610_calendar'")
            #expect(recorded == 0)
            try migrator.requireCurrentSchema(on: connection)
        }
    }

    private func appliedAt(on connection: Connection) throws -> [String: Date] {
        Dictionary(uniqueKeysWithValues: try connection.query(
            "select name, applied_at from parley_data.schema_repeatables").map {
                (try $0.decode("name", as: String.self), try $0.decode("applied_at", as: Date.self))
            })
    }

    @Test func aSecondDatabaseInTheClusterMigratesCleanly() throws {
        // Roles are cluster-wide: the template already created them; a fresh database must still migrate.
        try TestDatabase.with(empty: true) { database in
            let connection = try database.connect()
            let applied = try Migrator(sqlDirectory: try SQLDirectory.locate()).migrate(on: connection)
            #expect(!applied.isEmpty)
        }
    }
}
