import Foundation

/// One versioned migration file, `sql/migrations/NNNNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The six-digit number, as an integer: the order of application.
    public var version: Int
    /// The part after the number, e.g. `model` for `000002_model.sql`.
    public var name: String
    /// The file's path, for error messages.
    public var path: String
    /// The file's bytes.
    public var contents: Data

    /// The file name, e.g. `000002_model.sql`.
    public var fileName: String { String(format: "%06d_%@.sql", version, name) }

    /// Checksums of earlier texts of this file that a database may have applied and that count as this one: lines
    /// `-- parley: also applied as sha256 <64 hex digits>`. A fix to an applied migration that changes nothing for a
    /// database that ran the earlier text (a data move that failed, or did nothing, on the data it could meet) names
    /// the earlier text's checksum, so that those databases are not refused as changed after applying (as Flyway's
    /// `repair` accepts a corrected script). Anything else changed is refused as before.
    public var earlierChecksums: Set<String> {
        guard let text = String(data: contents, encoding: .utf8) else { return [] }
        var sums: Set<String> = []
        for line in text.split(separator: "\n") {
            if let match = line.wholeMatch(of: /-- parley: also applied as sha256 ([0-9a-f]{64})\s*/) {
                sums.insert(String(match.1))
            }
        }
        return sums
    }

    /// The migrations in `directory/migrations`, ordered by version.
    ///
    /// - Throws: `MigrationError.badFile` for a file that looks like a migration but is misnamed, or two files
    ///   with one version.
    public static func load(from sqlDirectory: URL) throws -> [Migration] {
        let folder = sqlDirectory.appendingPathComponent("migrations", isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        var migrations: [Migration] = []
        for fileName in names {
            let path = folder.appendingPathComponent(fileName).path
            guard let match = fileName.wholeMatch(of: /([0-9]{6})_([a-z0-9_]+)\.sql/), let version = Int(match.1)
            else {
                throw MigrationError.badFile(path: path, problem: "is not named NNNNNN_name.sql (six digits, lower-case name)")
            }
            if let clash = migrations.first(where: { $0.version == version }) {
                throw MigrationError.badFile(path: path, problem: "has the same version as \(clash.fileName)")
            }
            let contents = try Data(contentsOf: URL(fileURLWithPath: path))
            migrations.append(Migration(version: version, name: String(match.2), path: path, contents: contents))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}
