/// A setting that Parley cannot use: names the setting (usually an environment variable) and the rule it breaks.
///
/// Programs exit with status 78 (`EX_CONFIG`) on this error.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The setting, e.g. `PARLEY_LOG_LEVEL`.
    public var setting: String
    /// What is wrong, e.g. `must be one of debug, info, notice, warning, error`.
    public var problem: String

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "\(setting): \(problem)" }
}
