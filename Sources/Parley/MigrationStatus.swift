import Foundation

/// A migration recorded in `parley_data.schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var checksum: String
    public var appliedAt: Date
    public var appliedBy: String
}

/// The database's migrations compared with the files this build knows.
public struct MigrationStatus: Sendable {
    /// One line of `parley migrate --status`.
    public struct Entry: Sendable {
        public enum State: Sendable, Equatable {
            case applied(at: Date, by: String)
            case pending
            /// Applied, but the file differs from what was applied.
            case changed
            /// Applied, but this build has no such file.
            case missing
        }
        public var version: Int
        public var name: String
        public var state: State
    }

    public var entries: [Entry] = []
    public var problems: [MigrationError] = []
    public var pending: [Migration] = []
    /// Checksums of the known files, by version.
    public var checksums: [Int: String] = [:]
    /// The highest applied version, 0 for a database never migrated.
    public var databaseVersion: Int = 0

    init(known: [Migration], checksums: [Int: String], applied: [AppliedMigration]) {
        self.checksums = checksums
        databaseVersion = applied.map(\.version).max() ?? 0
        let knownByVersion = Dictionary(uniqueKeysWithValues: known.map { ($0.version, $0) })
        let appliedByVersion = Dictionary(uniqueKeysWithValues: applied.map { ($0.version, $0) })
        let knownVersion = known.last?.version ?? 0

        if databaseVersion > knownVersion {
            problems.append(.databaseNewer(databaseVersion: databaseVersion, knownVersion: knownVersion))
        }
        for version in Set(knownByVersion.keys).union(appliedByVersion.keys).sorted() {
            switch (knownByVersion[version], appliedByVersion[version]) {
            case let (file?, record?):
                if checksums[version] == record.checksum {
                    entries.append(Entry(version: version, name: file.name,
                                         state: .applied(at: record.appliedAt, by: record.appliedBy)))
                } else {
                    entries.append(Entry(version: version, name: file.name, state: .changed))
                    problems.append(.changedAfterApplying(
                        fileName: file.fileName, appliedChecksum: record.checksum,
                        fileChecksum: checksums[version] ?? "?"))
                }
            case let (file?, nil):
                entries.append(Entry(version: version, name: file.name, state: .pending))
                pending.append(file)
                if version < databaseVersion {
                    problems.append(.outOfOrder(fileName: file.fileName, databaseVersion: databaseVersion))
                }
            case let (nil, record?):
                entries.append(Entry(version: version, name: record.name, state: .missing))
                if version <= knownVersion {
                    problems.append(.missingFile(version: version, name: record.name))
                }
            case (nil, nil):
                break
            }
        }
    }
}
