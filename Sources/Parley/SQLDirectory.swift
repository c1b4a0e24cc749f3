import Foundation

/// Finds the SQL that Parley applies (`migrations/NNNNNN_name.sql`).
///
/// In order: `PARLEY_SQL_DIR`; `../share/parley/sql` next to the running executable (an install with
/// `make install PREFIX=…` puts the binaries in `$PREFIX/bin` and the SQL in `$PREFIX/share/parley/sql`); the
/// `sql/` folder of the source tree the binary was built from (for `swift build` and `swift test`).
public enum SQLDirectory {
    /// The directory holding `migrations/`.
    ///
    /// - Throws: `ConfigurationError` naming `PARLEY_SQL_DIR` when no candidate holds a `migrations` folder.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let configured = environment["PARLEY_SQL_DIR"], !configured.isEmpty {
            let url = URL(fileURLWithPath: configured, isDirectory: true)
            guard hasMigrations(url) else {
                throw ConfigurationError(
                    setting: "PARLEY_SQL_DIR", problem: "\(configured) has no migrations/ folder")
            }
            return url
        }
        for candidate in candidates() where hasMigrations(candidate) {
            return candidate.standardizedFileURL
        }
        throw ConfigurationError(
            setting: "PARLEY_SQL_DIR",
            problem: "not set, and no SQL was found next to the executable or in the source tree; "
                + "set it to the directory that holds migrations/ (e.g. /usr/local/share/parley/sql)")
    }

    private static func candidates() -> [URL] {
        var urls: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let binDirectory = executable.deletingLastPathComponent()
        urls.append(binDirectory.appendingPathComponent("../share/parley/sql", isDirectory: true))
        // Sources/Parley/SQLDirectory.swift → the checkout's sql/.
        let sourceTree = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        urls.append(sourceTree.appendingPathComponent("sql", isDirectory: true))
        return urls
    }

    private static func hasMigrations(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(
            atPath: url.appendingPathComponent("migrations").path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
