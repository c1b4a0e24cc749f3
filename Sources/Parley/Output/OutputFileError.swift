/// A file the command was asked to write cannot be written: exit status 73 (`EX_CANTCREAT`).
public struct OutputFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    /// Why, as the system says it.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}
