import PQ

/// `parley export`: the whole world as one document, in the format `parley import` reads.
public enum WorldExport {
    /// The first line of an exported YAML document.
    static let yamlHeader = "# Parley world — the format is described in docs/import-format.md; `parley import` reads it.\n"

    /// The document as the database builds it (`parley.export_world()`), fields in their documented order.
    ///
    /// - Throws: `PQError`; `DocumentError` if the database's JSON could not be read (it always can).
    public static func document(on connection: Connection) throws -> DocumentNode {
        let text: String = try connection.query("select parley.export_world()::text as world")[0].decode("world")
        return try JSONDocumentReader.read(text)
    }

    /// The document as text in `format`: the same database state always gives the same text.
    public static func text(on connection: Connection, format: DocumentFormat) throws -> String {
        let document = try document(on: connection)
        switch format {
        case .yaml: return yamlHeader + (try document.yaml())
        case .json: return document.prettyJSON
        }
    }
}
