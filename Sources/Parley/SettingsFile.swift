import Foundation
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// The settings file, `/etc/parley/parley.env`, as every program that runs on the server reads it: parleyd at
/// start, the mailer's commands (`parley alerts send`, `parley digest`) and `parley status`. systemd's
/// `EnvironmentFile=` loads it only for its units; cron, a shell or a monitoring agent set nothing from it.
///
/// The programs read `$PARLEY_ENV_FILE` (default `/etc/parley/parley.env`) when it exists and take from it the
/// variables the environment does not already set, so that under systemd (which has loaded the file already) nothing
/// changes. They are also set in the process environment, so that libpq sees `PGHOST`, `PGSERVICE` and the like
/// from the file too. An empty `PARLEY_ENV_FILE` reads no file.
public enum SettingsFile {
    public static let defaultPath = "/etc/parley/parley.env"

    /// The environment with the settings file's variables added where unset.
    ///
    /// - Throws: `ConfigurationError` naming `PARLEY_ENV_FILE` when the file exists but cannot be read, and naming
    ///   the file and line of a malformed line.
    public static func load(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, applyToProcess: Bool = true
    ) throws -> [String: String] {
        let path = environment["PARLEY_ENV_FILE"] ?? defaultPath
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path) else { return environment }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(
                setting: "PARLEY_ENV_FILE",
                problem: "\(path) cannot be read by this user; make it readable by the parley group (chown root:parley, chmod 0640)")
        }
        let file = try EnvironmentFile.parse(String(decoding: data, as: UTF8.self), path: path)
        var merged = environment
        for (name, value) in file where environment[name] == nil {
            merged[name] = value
            if applyToProcess { try systemCall("setenv") { setenv(name, value, 0) } }
        }
        return merged
    }
}
