/// A field of a document mapping: its key, the line the key is on, and its value.
public struct DocumentField: Sendable, Equatable {
    public var key: String
    /// The 1-based line of the key; 0 when the field did not come from a file.
    public var line: Int
    public var value: DocumentNode

    public init(_ key: String, _ value: DocumentNode, line: Int = 0) {
        self.key = key
        self.value = value
        self.line = line
    }
}
