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

    /// One repeatable file in `parley migrate --status`.
    public struct RepeatableEntry: Sendable {
        public enum State: Sendable, Equatable {
            /// Applied as the file is now.
            case current(at: Date, by: String)
            /// Never applied to this database.
            case new
            /// The file differs from what was applied: the next `parley migrate` applies it again.
            case changed
            /// Applied, but this build has no such file: the next `parley migrate` forgets it.
            case removed
        }
        public var name: String
        public var state: State
    }

    public var entries: [Entry] = []
    public var repeatableEntries: [RepeatableEntry] = []
    /// The repeatable files the next `parley migrate` applies (changed or new), in order.
    public var repeatablesToApply: [RepeatableFile] = []
    /// Recorded repeatable files this build does not have.
    public var removedRepeatables: [String] = []
    /// Checksums of the known repeatable files, by name.
    public var repeatableChecksums: [String: String] = [:]
    public var problems: [MigrationError] = []
    public var pending: [Migration] = []
    /// Checksums of the known files, by version.
    public var checksums: [Int: String] = [:]
    /// The highest applied version, 0 for a database never migrated.
    public var databaseVersion: Int = 0

    /// Whether the database's repeatable definitions are exactly this build's.
    public var repeatablesCurrent: Bool { repeatablesToApply.isEmpty && removedRepeatables.isEmpty }

    init(known: [Migration], checksums: [Int: String], applied: [AppliedMigration],
         repeatables: [RepeatableFile] = [], repeatableChecksums: [String: String] = [:],
         appliedRepeatables: [AppliedRepeatable] = []) {
        self.checksums = checksums
        self.repeatableChecksums = repeatableChecksums
        let recorded = Dictionary(uniqueKeysWithValues: appliedRepeatables.map { ($0.name, $0) })
        for file in repeatables {
            switch recorded[file.name] {
            case let record? where record.checksum == repeatableChecksums[file.name]:
                repeatableEntries.append(RepeatableEntry(name: file.name, state: .current(at: record.appliedAt, by: record.appliedBy)))
            case .some:
                repeatableEntries.append(RepeatableEntry(name: file.name, state: .changed))
                repeatablesToApply.append(file)
            case nil:
                repeatableEntries.append(RepeatableEntry(name: file.name, state: .new))
                repeatablesToApply.append(file)
            }
        }
        let knownNames = Set(repeatables.map(\.name))
        for record in appliedRepeatables where !knownNames.contains(record.name) {
            repeatableEntries.append(RepeatableEntry(name: record.name, state: .removed))
            removedRepeatables.append(record.name)
        }
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
                if checksums[version] == record.checksum || file.earlierChecksums.contains(record.checksum) {
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
