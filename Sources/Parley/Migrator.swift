import Foundation
import PQ

/// Applies Parley's migrations and checks a database's schema against the ones this build knows.
///
/// Each migration runs in its own transaction and is recorded in `parley_data.schema_migrations` (version, name,
/// SHA-256 checksum, applied_at, applied_by); `migrate` holds an advisory lock, so concurrent runs apply each
/// migration once. Applied migrations are append-only: a changed or missing file is refused.
public struct Migrator: Sendable {
    /// The migrations this build knows, in order.
    public let migrations: [Migration]

    /// The version the database must be at for this build.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Loads the migrations from `sqlDirectory/migrations`.
    public init(sqlDirectory: URL) throws {
        self.init(migrations: try Migration.load(from: sqlDirectory))
    }

    /// What is applied, what is pending, and what is wrong; changes nothing.
    public func status(on connection: Connection) throws -> MigrationStatus {
        let applied = try appliedMigrations(on: connection)
        var checksums: [Int: String] = [:]
        for migration in migrations {
            checksums[migration.version] = try checksum(of: migration, on: connection)
        }
        return MigrationStatus(known: migrations, checksums: checksums, applied: applied)
    }

    /// Applies every pending migration, in order, each in its own transaction.
    ///
    /// - Returns: the migrations applied now (empty when the database was current).
    /// - Throws: `MigrationError` when an applied file changed or is missing, the database is newer than this
    ///   build, or a pending file is numbered below an applied one; `PQError` (with the file and line) when a
    ///   migration fails — that migration is rolled back, the earlier ones stay.
    @discardableResult
    public func migrate(on connection: Connection) throws -> [Migration] {
        try connection.execute("select pg_advisory_lock($1)", [AdvisoryLock.migrate])
        defer { _ = try? connection.execute("select pg_advisory_unlock($1)", [AdvisoryLock.migrate]) }

        try connection.executeScript(Self.bootstrapSQL, name: "schema_migrations bootstrap")
        let status = try status(on: connection)
        if let problem = status.problems.first { throw problem }

        var appliedNow: [Migration] = []
        for migration in status.pending {
            guard let sql = String(data: migration.contents, encoding: .utf8) else {
                throw MigrationError.badFile(path: migration.path, problem: "is not valid UTF-8")
            }
            try connection.transaction { connection in
                // Migrations speak through errors, not notices ("schema already exists, skipping").
                try connection.execute("set local client_min_messages = warning")
                try connection.executeScript(sql, name: migration.path)
                try connection.execute(
                    "insert into parley_data.schema_migrations (version, name, checksum) values ($1, $2, $3)",
                    [migration.version, migration.name, status.checksums[migration.version] ?? ""])
            }
            appliedNow.append(migration)
        }
        return appliedNow
    }

    /// Throws unless the database is exactly at this build's version: what the daemon and the mailer check
    /// before they start.
    ///
    /// - Throws: `MigrationError.databaseOlder` (run `parley migrate`), `.databaseNewer`, or a checksum problem.
    public func requireCurrentSchema(on connection: Connection) throws {
        let status = try status(on: connection)
        if let problem = status.problems.first { throw problem }
        if !status.pending.isEmpty {
            throw MigrationError.databaseOlder(databaseVersion: status.databaseVersion, knownVersion: latestVersion)
        }
    }

    /// The migrations recorded in the database; empty when it has never been migrated.
    func appliedMigrations(on connection: Connection) throws -> [AppliedMigration] {
        // Staff and the daemon have no access to parley_data: from the first migration on they read the record
        // through parley.applied_migrations(). Before it (or while bootstrapping) the migrating user reads the table.
        let source: String? = try connection.query(
            """
            select case when to_regprocedure('parley.applied_migrations()') is not null then 'function'
                        when to_regclass('parley_data.schema_migrations') is not null then 'table' end as source
            """)[0].decode("source")
        guard let source else { return [] }
        let sql = source == "function"
            ? "select version, name, checksum, applied_at, applied_by from parley.applied_migrations()"
            : "select version, name, checksum, applied_at, applied_by from parley_data.schema_migrations order by version"
        return try connection.query(sql).map { row in
            AppliedMigration(
                version: try row.decode("version"), name: try row.decode("name"),
                checksum: try row.decode("checksum"), appliedAt: try row.decode("applied_at"),
                appliedBy: try row.decode("applied_by"))
        }
    }

    /// SHA-256 of the file's bytes, computed by PostgreSQL (which has it built in) rather than a crypto library.
    private func checksum(of migration: Migration, on connection: Connection) throws -> String {
        try connection.query("select encode(sha256($1::bytea), 'hex') as sum", [migration.contents])[0].decode("sum")
    }

    /// Creates what is needed to record migrations; run under the migration lock.
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
        reset client_min_messages;
        """
}
