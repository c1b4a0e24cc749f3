/// A document that cannot be read: not valid YAML or JSON, or a value of a kind the format has no place for.
public struct DocumentError: Error, CustomStringConvertible, Sendable {
    /// The 1-based line of the problem, when known.
    public var line: Int?
    /// What is wrong, e.g. `expected ',' or '}' after a field`.
    public var message: String

    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "line \($0): \(message)" } ?? message
    }
}
