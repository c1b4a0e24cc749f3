/// One value of an import or export document: JSON's data model, with the order of a mapping's fields kept (so that
/// an export reads in a fixed order) and, for a value read from a file, the line it starts on (so that an error can
/// point at it).
public struct DocumentNode: Sendable, Equatable {
    /// What the value is.
    public indirect enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        /// A JSON number literal, exactly as it will be sent (`1000`, `12.5`, `-3`): decimals stay exact.
        case number(String)
        case string(String)
        case list([DocumentNode])
        case mapping([DocumentField])
    }

    public var value: Value
    /// The 1-based line of the file the value starts on; 0 when it did not come from a file.
    public var line: Int

    public init(_ value: Value, line: Int = 0) {
        self.value = value
        self.line = line
    }

    /// The value of field `key` of a mapping; nil for other values and missing fields.
    public subscript(key: String) -> DocumentNode? {
        guard case .mapping(let fields) = value else { return nil }
        return fields.first { $0.key == key }?.value
    }

    /// The elements of a list; empty for other values.
    public var elements: [DocumentNode] {
        if case .list(let nodes) = value { return nodes }
        return []
    }

    /// The fields of a mapping; empty for other values.
    public var fields: [DocumentField] {
        if case .mapping(let fields) = value { return fields }
        return []
    }

    /// The text of a string value; nil for other values.
    public var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// A copy of this mapping with only the fields whose keys pass `isIncluded`.
    public func filteringFields(_ isIncluded: (String) -> Bool) -> DocumentNode {
        DocumentNode(.mapping(fields.filter { isIncluded($0.key) }), line: line)
    }
}
