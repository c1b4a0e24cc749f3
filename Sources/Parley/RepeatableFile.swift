import Foundation

/// One repeatable SQL file, `sql/repeatable/NNN_name.sql`: views, functions, triggers, policies and grants of one
/// concern, written to be applied again (`create or replace`).
///
/// `parley migrate` applies the files in the order of their numbers, after the versioned migrations, whenever a
/// file's checksum differs from the one recorded in `parley_data.schema_repeatables` — so changing a view is a
/// diff of that view's file. When a versioned migration runs, every repeatable file is applied again in its
/// transaction, since the migration may have dropped or changed what they define.
public struct RepeatableFile: Sendable, Equatable {
    /// The three-digit number: the declared order of application.
    public var order: Int
    /// The file name without `.sql`, e.g. `210_views_commitments`: the name recorded in the database.
    public var name: String
    /// The file's path, for error messages.
    public var path: String
    /// The file's bytes.
    public var contents: Data

    /// The repeatable files in `directory/repeatable`, in order; none when the folder is absent.
    ///
    /// - Throws: `MigrationError.badFile` for a misnamed file or two files with one number.
    public static func load(from sqlDirectory: URL) throws -> [RepeatableFile] {
        let folder = sqlDirectory.appendingPathComponent("repeatable", isDirectory: true)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        var files: [RepeatableFile] = []
        for fileName in names {
            let path = folder.appendingPathComponent(fileName).path
            guard let match = fileName.wholeMatch(of: /([0-9]{3})_([a-z0-9_]+)\.sql/), let order = Int(match.1) else {
                throw MigrationError.badFile(path: path, problem: "is not named NNN_name.sql (three digits, lower-case name)")
            }
            if let clash = files.first(where: { $0.order == order }) {
                throw MigrationError.badFile(path: path, problem: "has the same number as \(clash.name).sql")
            }
            let contents = try Data(contentsOf: URL(fileURLWithPath: path))
            files.append(RepeatableFile(order: order, name: String(fileName.dropLast(4)), path: path, contents: contents))
        }
        return files.sorted { $0.order < $1.order }
    }
}

/// A repeatable file as recorded in `parley_data.schema_repeatables`.
public struct AppliedRepeatable: Sendable, Equatable {
    public var name: String
    public var checksum: String
    public var appliedAt: Date
    public var appliedBy: String
}
