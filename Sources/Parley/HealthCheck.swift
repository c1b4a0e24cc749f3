import Foundation

/// The verdict of `parley status --check`, in the monitoring-plugins convention that Nagios, Icinga and their kin
/// run: one line of text and an exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
public struct HealthCheck: Sendable, Equatable {
    public enum State: Int32, Sendable, Comparable, CustomStringConvertible {
        case ok = 0, warning = 1, critical = 2, unknown = 3

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .ok: "OK"
            case .warning: "WARNING"
            case .critical: "CRITICAL"
            case .unknown: "UNKNOWN"
            }
        }
    }

    /// The worst state of any finding (OK when there is none).
    public var state: State
    /// What is wrong, the critical findings first; empty when all is well.
    public var problems: [String]
    /// What is fine, for the OK line.
    public var summary: String
    /// Measurements after the `|` of the line (`label=value[UOM];warn;crit;min`), for graphs.
    public var performanceData: [String]

    /// The plugin's one line: `PARLEY CRITICAL - no parleyd leads; … | due=3;;;0 …`.
    public var line: String {
        // One line whatever the findings say: libpq's messages span several.
        let text = (problems.isEmpty ? summary : problems.joined(separator: "; "))
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        let data = performanceData.isEmpty ? "" : " | " + performanceData.joined(separator: " ")
        return "PARLEY \(state) - \(text)\(data)"
    }

    /// A check that could not look: the settings or the program failed, not the system being watched.
    public static func unknown(_ problem: String) -> HealthCheck {
        HealthCheck(state: .unknown, problems: [problem], summary: "", performanceData: [])
    }

    /// A database that cannot be reached: nothing is planned or mailed, so it is critical, not unknown.
    public static func unreachable(_ problem: String) -> HealthCheck {
        HealthCheck(state: .critical, problems: [problem], summary: "", performanceData: [])
    }
}
