import Foundation

/// Reads a systemd `EnvironmentFile=` (`/etc/parley/parley.env`): `KEY=value` lines, `#` or `;` comments, values
/// optionally in single or double quotes. The daemon reads it itself on SIGHUP, because systemd only reads it when
/// the service starts.
public enum EnvironmentFile {
    /// The variables the file sets.
    ///
    /// - Throws: `ConfigurationError` naming the file and line of a malformed line.
    public static func parse(_ text: String, path: String) throws -> [String: String] {
        var variables: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            guard let equals = line.firstIndex(of: "="),
                  line[..<equals].trimmingCharacters(in: .whitespaces).wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) != nil
            else {
                throw ConfigurationError(setting: "\(path):\(index + 1)", problem: "expected KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
                if first == "\"" {
                    value = value.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
                }
            }
            variables[key] = value
        }
        return variables
    }

    /// The process environment overlaid with the file at `path` (when it exists): what a reload should see.
    public static func overlay(
        _ environment: [String: String], withFileAt path: String?
    ) throws -> [String: String] {
        guard let path, FileManager.default.fileExists(atPath: path) else { return environment }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(setting: path, problem: "cannot be read: \(error.localizedDescription)")
        }
        return environment.merging(try parse(text, path: path)) { $1 }
    }
}
