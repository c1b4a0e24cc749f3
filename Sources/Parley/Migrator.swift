import Foundation
import PQ

/// Applies Parley's SQL and checks a database's schema against the one this build knows.
///
/// Two kinds of file (docs/ARCHITECTURE.md):
/// - versioned migrations, `sql/migrations/NNNNNN_name.sql`: what must run once (types, tables, indexes, data
///   moves). Each runs in its own transaction and is recorded in `parley_data.schema_migrations` (version, name,
///   SHA-256 checksum, applied_at, applied_by). Applied migrations are append-only: a changed or missing file is
///   refused.
/// - repeatable files, `sql/repeatable/NNN_name.sql`: views, functions, triggers, policies and grants, one concern
///   per file, applied again in their declared order when their checksum changes (recorded in
///   `parley_data.schema_repeatables`). They run in the transaction of the last pending migration — all of them,
///   since a migration may have changed what they define — or, when no migration is pending, the changed ones in
///   one transaction of their own.
///
/// `migrate` holds an advisory lock, so concurrent runs apply each file once.
public struct Migrator: Sendable {
    /// The migrations this build knows, in order.
    public let migrations: [Migration]
    /// The repeatable files this build knows, in order.
    public let repeatables: [RepeatableFile]

    /// The version the database must be at for this build.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    public init(migrations: [Migration], repeatables: [RepeatableFile] = []) {
        self.migrations = migrations
        self.repeatables = repeatables
    }

    /// Loads the migrations from `sqlDirectory/migrations` and the repeatable files from `sqlDirectory/repeatable`.
    public init(sqlDirectory: URL) throws {
        self.init(migrations: try Migration.load(from: sqlDirectory),
                  repeatables: try RepeatableFile.load(from: sqlDirectory))
    }

    /// What one `migrate` applied.
    public struct Applied: Sendable {
        /// The versioned migrations applied, in order.
        public var migrations: [Migration] = []
        /// The repeatable files applied, in order.
        public var repeatables: [RepeatableFile] = []
        public var isEmpty: Bool { migrations.isEmpty && repeatables.isEmpty }
    }

    /// What is applied, what is pending, and what is wrong; changes nothing.
    public func status(on connection: Connection) throws -> MigrationStatus {
        let migrationSums = try checksums(of: migrations.map(\.contents), on: connection)
        let repeatableSums = try checksums(of: repeatables.map(\.contents), on: connection)
        return MigrationStatus(
            known: migrations,
            checksums: Dictionary(uniqueKeysWithValues: zip(migrations.map(\.version), migrationSums)),
            applied: try appliedMigrations(on: connection),
            repeatables: repeatables,
            repeatableChecksums: Dictionary(uniqueKeysWithValues: zip(repeatables.map(\.name), repeatableSums)),
            appliedRepeatables: try appliedRepeatables(on: connection))
    }

    /// Applies every pending migration, in order, each in its own transaction, and the repeatable files that
    /// changed (all of them when a migration ran) in the transaction of the last.
    ///
    /// - Returns: what was applied now (empty when the database was current).
    /// - Throws: `MigrationError` when an applied file changed or is missing, the database is newer than this
    ///   build, or a pending file is numbered below an applied one; `PQError` (with the file and line) when a
    ///   file fails — its transaction is rolled back, the earlier ones stay.
    @discardableResult
    public func migrate(on connection: Connection) throws -> Applied {
        try connection.execute("select pg_advisory_lock($1)", [AdvisoryLock.migrate])
        defer { _ = try? connection.execute("select pg_advisory_unlock($1)", [AdvisoryLock.migrate]) }

        try connection.executeScript(Self.bootstrapSQL, name: "schema_migrations bootstrap")
        let status = try status(on: connection)
        if let problem = status.problems.first { throw problem }

        var applied = Applied()
        applied.repeatables = status.pending.isEmpty ? status.repeatablesToApply : repeatables
        for (index, migration) in status.pending.enumerated() {
            try connection.transaction { connection in
                // Migrations speak through errors, not notices ("schema already exists, skipping").
                try connection.execute("set local client_min_messages = warning")
                try connection.executeScript(try Self.text(of: migration.contents, path: migration.path),
                                             name: migration.path)
                try connection.execute(
                    "insert into parley_data.schema_migrations (version, name, checksum) values ($1, $2, $3)",
                    [migration.version, migration.name, status.checksums[migration.version] ?? ""])
                if index == status.pending.count - 1 {
                    try apply(applied.repeatables, status: status, on: connection)
                }
            }
            applied.migrations.append(migration)
        }
        if status.pending.isEmpty && !status.repeatablesCurrent {
            try connection.transaction { connection in
                try connection.execute("set local client_min_messages = warning")
                try apply(applied.repeatables, status: status, on: connection)
            }
        }
        return applied
    }

    /// Throws unless the database is exactly at this build's version: what the daemon and the mailer check
    /// before they start.
    ///
    /// - Throws: `MigrationError.databaseOlder` (run `parley migrate`), `.databaseNewer`, `.definitionsDiffer`
    ///   (run `parley migrate`), or a checksum problem.
    public func requireCurrentSchema(on connection: Connection) throws {
        let status = try status(on: connection)
        if let problem = status.problems.first { throw problem }
        if !status.pending.isEmpty {
            throw MigrationError.databaseOlder(databaseVersion: status.databaseVersion, knownVersion: latestVersion)
        }
        if !status.repeatablesCurrent {
            throw MigrationError.definitionsDiffer(
                names: status.repeatablesToApply.map(\.name) + status.removedRepeatables)
        }
    }

    /// Applies repeatable files in order and records their checksums; forgets the records of files this build no
    /// longer has (what they defined stays until a migration drops it). Runs inside the caller's transaction.
    private func apply(_ files: [RepeatableFile], status: MigrationStatus, on connection: Connection) throws {
        for file in files {
            try connection.executeScript(try Self.text(of: file.contents, path: file.path), name: file.path)
            // Each file sets the role it needs; the record is written as the migrating user.
            try connection.execute("reset role")
            try connection.execute(
                """
                insert into parley_data.schema_repeatables (name, checksum) values ($1, $2)
                on conflict (name) do update
                   set checksum = excluded.checksum, applied_at = now(), applied_by = session_user
                """,
                [file.name, status.repeatableChecksums[file.name] ?? ""])
        }
        if !status.removedRepeatables.isEmpty {
            try connection.execute(
                "delete from parley_data.schema_repeatables where name = any($1)", [status.removedRepeatables])
        }
    }

    /// The migrations recorded in the database; empty when it has never been migrated.
    func appliedMigrations(on connection: Connection) throws -> [AppliedMigration] {
        // Staff and the daemon have no access to parley_data: from the first migration on they read the record
        // through parley.applied_migrations(). Before it (or while bootstrapping) the migrating user reads the table.
        guard let source = try recordSource(function: "parley.applied_migrations()",
                                            table: "parley_data.schema_migrations", on: connection) else { return [] }
        let sql = source == .function
            ? "select version, name, checksum, applied_at, applied_by from parley.applied_migrations()"
            : "select version, name, checksum, applied_at, applied_by from parley_data.schema_migrations order by version"
        return try connection.query(sql).map { row in
            AppliedMigration(
                version: try row.decode("version"), name: try row.decode("name"),
                checksum: try row.decode("checksum"), appliedAt: try row.decode("applied_at"),
                appliedBy: try row.decode("applied_by"))
        }
    }

    /// The repeatable files recorded in the database; empty when none are.
    func appliedRepeatables(on connection: Connection) throws -> [AppliedRepeatable] {
        guard let source = try recordSource(function: "parley.applied_repeatables()",
                                            table: "parley_data.schema_repeatables", on: connection) else { return [] }
        let sql = source == .function
            ? "select name, checksum, applied_at, applied_by from parley.applied_repeatables()"
            : "select name, checksum, applied_at, applied_by from parley_data.schema_repeatables order by name"
        return try connection.query(sql).map { row in
            AppliedRepeatable(
                name: try row.decode("name"), checksum: try row.decode("checksum"),
                appliedAt: try row.decode("applied_at"), appliedBy: try row.decode("applied_by"))
        }
    }

    private enum RecordSource: String { case function, table }

    /// Where the record of what was applied can be read: the interface function when it exists, else the table
    /// (while bootstrapping), else nowhere (never migrated).
    private func recordSource(function: String, table: String, on connection: Connection) throws -> RecordSource? {
        let source: String? = try connection.query(
            """
            select case when to_regprocedure($1) is not null then 'function'
                        when to_regclass($2) is not null then 'table' end as source
            """, [function, table])[0].decode("source")
        return source.flatMap(RecordSource.init(rawValue:))
    }

    /// SHA-256 of each file's bytes, computed by PostgreSQL (which has it built in) rather than a crypto library,
    /// in one round trip.
    private func checksums(of files: [Data], on connection: Connection) throws -> [String] {
        guard !files.isEmpty else { return [] }
        return try connection.query(
            "select encode(sha256(f), 'hex') as sum from unnest($1::bytea[]) with ordinality as t(f, n) order by n",
            [files]).map { try $0.decode("sum") }
    }

    private static func text(of contents: Data, path: String) throws -> String {
        guard let sql = String(data: contents, encoding: .utf8) else {
            throw MigrationError.badFile(path: path, problem: "is not valid UTF-8")
        }
        return sql
    }

    /// Creates what is needed to record migrations and repeatable files; run under the migration lock.
    static let bootstrapSQL = """
        set client_min_messages = warning;
        create schema if not exists parley_data;
        create table if not exists parley_data.schema_migrations (
            version     integer primary key,
            name        text not null,
            checksum    text not null,
            applied_at  timestamptz not null default now(),
            applied_by  name not null default session_user
        );
        comment on table parley_data.schema_migrations is
            'Migrations applied to this database by parley migrate, with the checksum of each file.';
        create table if not exists parley_data.schema_repeatables (
            name        text primary key,
            checksum    text not null,
            applied_at  timestamptz not null default now(),
            applied_by  name not null default session_user
        );
        comment on table parley_data.schema_repeatables is
            'Repeatable SQL files (sql/repeatable) as last applied by parley migrate, with the checksum of each.';
        reset client_min_messages;
        """
}
