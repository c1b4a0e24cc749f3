/// An import refused: where (file, line, path in the document) and why, as one line a person can act on.
///
/// `description` reads `demo.yaml:57: commitments[3].due_on: 2025-05-01 is before made_on 2025-05-16`, followed by
/// the database's hint on a line of its own when there is one. Nothing was written when this is thrown.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    /// The file as the user named it.
    public var file: String
    /// The 1-based line in the file, when known.
    public var line: Int?
    /// Where in the document, e.g. `commitments[3].due_on`; nil for a file that could not be read at all.
    public var path: String?
    /// What is wrong, starting with the path when there is one.
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// The SQLSTATE the database refused with, when it did.
    public var sqlState: String?

    public init(file: String, line: Int?, path: String?, message: String, hint: String? = nil, sqlState: String? = nil) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
        self.hint = hint
        self.sqlState = sqlState
    }

    public var description: String {
        var text = file + (line.map { ":\($0)" } ?? "") + ": " + message
        if let hint { text += "\nHINT: " + hint }
        return text
    }
}
