/// Why `parley migrate` (or a program checking the schema) refuses to go on. Each case says what to do.
public enum MigrationError: Error, CustomStringConvertible, Sendable {
    /// A file in the migrations folder that cannot be a migration.
    case badFile(path: String, problem: String)
    /// An applied migration whose file has changed since.
    case changedAfterApplying(fileName: String, appliedChecksum: String, fileChecksum: String)
    /// An applied migration whose file is gone.
    case missingFile(version: Int, name: String)
    /// The database has migrations newer than this build knows.
    case databaseNewer(databaseVersion: Int, knownVersion: Int)
    /// A file numbered below the database's latest applied migration that was never applied.
    case outOfOrder(fileName: String, databaseVersion: Int)
    /// The schema is older than this build needs (migrations pending).
    case databaseOlder(databaseVersion: Int, knownVersion: Int)
    /// The views, functions, triggers or grants of the database differ from this build's repeatable files.
    case definitionsDiffer(names: [String])

    public var description: String {
        switch self {
        case let .badFile(path, problem):
            return "\(path) \(problem)"
        case let .changedAfterApplying(fileName, applied, file):
            return "migration \(fileName) was changed after it was applied (checksum \(applied.prefix(12)) in the "
                + "database, \(file.prefix(12)) on disk); applied migrations are append-only: restore the file and "
                + "put the change in a new migration"
        case let .missingFile(version, name):
            return String(format: "migration %06d_%@.sql is applied in the database but missing from the SQL "
                + "directory; this build does not match the database (check PARLEY_SQL_DIR)", version, name)
        case let .databaseNewer(databaseVersion, knownVersion):
            return "the database schema is at version \(databaseVersion), newer than this build of Parley knows "
                + "(\(knownVersion)); install the matching Parley version"
        case let .outOfOrder(fileName, databaseVersion):
            return "migration \(fileName) is numbered below the database's latest applied migration "
                + "(\(databaseVersion)) but was never applied; renumber it after \(databaseVersion)"
        case let .databaseOlder(databaseVersion, knownVersion):
            return "the database schema is at version \(databaseVersion) but this build needs \(knownVersion); "
                + "run: parley migrate"
        case let .definitionsDiffer(names):
            let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
            return "the database's views and functions differ from this build's (\(shown)); run: parley migrate"
        }
    }
}
