import Foundation

/// The two spellings of a Parley document.
public enum DocumentFormat: String, CaseIterable, Sendable {
    case yaml
    case json

    /// The format a file name's extension names (`.yaml`, `.yml`, `.json`); nil for others.
    public init?(fileName: String) {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "yaml", "yml": self = .yaml
        case "json": self = .json
        default: return nil
        }
    }

    /// The format a document's text looks like: JSON when it starts (after blanks) with `{` or `[`, else YAML.
    public init(sniffing text: String) {
        let first = text.unicodeScalars.first { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{FEFF}") }
        self = first == "{" || first == "[" ? .json : .yaml
    }

    /// Reads `text` in this format.
    ///
    /// - Throws: `DocumentError` with the line of the first problem.
    public func read(_ text: String) throws -> DocumentNode {
        switch self {
        case .yaml: return try YAMLDocumentReader.read(text)
        case .json: return try JSONDocumentReader.read(text)
        }
    }

    /// Writes `document` in this format.
    public func write(_ document: DocumentNode) throws -> String {
        switch self {
        case .yaml: return try document.yaml()
        case .json: return document.prettyJSON
        }
    }
}
