import Foundation
import PQ

/// `parley import`: records a whole document with `parley.import_world`, all of it in one transaction or nothing.
///
/// Long lists are sent in parts of `chunkSize` records (each call names its first record's index, so refusals
/// still point at the right record), which lets a progress bar move; the rules are applied by the database.
public struct WorldImport: Sendable {
    /// The lists of a document, in the order they are recorded (later ones refer to earlier ones).
    public static let sections = ["people", "parties", "sources", "items", "tracks", "agreements", "meetings", "deals",
                                  "commitments",
                                  "positions", "figures", "follow_ups", "subscriptions"]

    /// The format version `parley: 1` names.
    public static let formatVersion = 1

    /// How many records go to the database in one call.
    public var chunkSize: Int

    public init(chunkSize: Int = 50_000) {
        self.chunkSize = max(1, chunkSize)
    }

    /// Reads a document file: YAML or JSON by its extension, or by its look when the extension says neither.
    ///
    /// - Throws: `ImportError` naming the file (and the line, when the text is not valid YAML or JSON).
    public static func read(file path: String, displayName: String? = nil) throws -> DocumentNode {
        let name = displayName ?? path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImportError(file: name, line: nil, path: nil, message: "cannot read the file: \(Self.reason(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ImportError(file: name, line: nil, path: nil, message: "the file is not UTF-8 text")
        }
        let format = DocumentFormat(fileName: path) ?? DocumentFormat(sniffing: text)
        do {
            return try format.read(text)
        } catch let error as DocumentError {
            throw ImportError(file: name, line: error.line, path: nil, message: error.message)
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if (error as NSError).code == NSFileReadNoSuchFileError { return "no such file" }
        return (error as NSError).localizedDescription
    }

    /// The number of records a document holds (top-level records of its lists), for a progress bar.
    public static func recordCount(_ document: DocumentNode) -> Int {
        sections.reduce(0) { $0 + (document[$1]?.elements.count ?? 0) }
    }

    /// Records `document` on `connection` in one transaction.
    ///
    /// - Parameters:
    ///   - file: the file's name as the user gave it, for errors.
    ///   - dryRun: check everything, then roll back.
    ///   - listChanges: also return, in `ImportSummary.changes`, every change made, field by field (read from the
    ///     change history before the transaction commits or rolls back).
    ///   - progress: called after each part with the records done so far and the total.
    /// - Returns: what was added and changed, per kind of record.
    /// - Throws: `ImportError` for a refused document (nothing written); `PQError` for a database failure.
    public func run(
        _ document: DocumentNode, file: String, on connection: Connection, dryRun: Bool = false,
        listChanges: Bool = false, progress: ((Int, Int) -> Void)? = nil
    ) throws -> ImportSummary {
        try check(document, file: file)
        let total = Self.recordCount(document)
        var summary = ImportSummary()
        summary.dryRun = dryRun
        do {
            try connection.transaction { connection in
                let before = listChanges ? try ImportChange.newestChange(on: connection) : 0
                var done = 0
                for section in Self.sections {
                    guard let list = document[section] else { continue }
                    guard case .list(let records) = list.value else {
                        // Not a list: the database says so, with the path.
                        try send(DocumentNode(.mapping([DocumentField(section, list)])), first: 0, into: &summary,
                                 document: document, file: file, on: connection)
                        continue
                    }
                    var start = 0
                    while start < records.count {
                        let end = min(start + chunkSize, records.count)
                        let part = DocumentNode(.mapping([DocumentField(section, DocumentNode(.list(Array(records[start..<end]))))]))
                        try send(part, first: start, into: &summary, document: document, file: file, on: connection)
                        done += end - start
                        progress?(done, total)
                        start = end
                    }
                }
                if listChanges { summary.changes = try ImportChange.recorded(after: before, on: connection) }
                if dryRun { throw DryRunFinished() }
            }
        } catch is DryRunFinished {
            return summary
        }
        return summary
    }

    /// Thrown to roll a dry run back.
    private struct DryRunFinished: Error {}

    private func send(
        _ part: DocumentNode, first: Int, into summary: inout ImportSummary, document: DocumentNode, file: String,
        on connection: Connection
    ) throws {
        let counts: [String: ImportCounts]
        do {
            let result = try connection.query("select parley.import_world($1::jsonb, $2)::text as counts",
                                              [part.compactJSON, first])
            counts = try result[0].decodeJSON("counts", as: [String: ImportCounts].self)
        } catch let error as PQError where error.kind == .server && !error.isMissingPrivilege {
            // A missing privilege is the login's, not the file's: it goes up as it is, to be told which role to ask for.
            throw refusal(error, document: document, file: file)
        }
        for (kind, count) in counts {
            summary.counts[kind] = (summary.counts[kind] ?? ImportCounts()) + count
        }
    }

    /// A database refusal as an `ImportError` pointing at the line of the record (the refusal's column is its path).
    private func refusal(_ error: PQError, document: DocumentNode, file: String) -> ImportError {
        let path = error.column.flatMap { $0.isEmpty ? nil : $0 }
        var message = error.message
        if let detail = error.detail, !detail.isEmpty { message += " (\(detail))" }
        return ImportError(
            file: file, line: path.flatMap { document.line(at: $0) }, path: path, message: message,
            hint: error.hint, sqlState: error.sqlState?.rawValue)
    }

    /// The path of the first text (or field name) holding NUL, which PostgreSQL text cannot store.
    private static func firstPathHoldingNUL(in node: DocumentNode, at path: String) -> String? {
        switch node.value {
        case .string(let text):
            return text.unicodeScalars.contains("\u{0}") ? path : nil
        case .list(let nodes):
            for (index, element) in nodes.enumerated() {
                if let found = firstPathHoldingNUL(in: element, at: "\(path)[\(index)]") { return found }
            }
        case .mapping(let fields):
            for field in fields {
                let fieldPath = path.isEmpty ? field.key : "\(path).\(field.key)"
                if field.key.unicodeScalars.contains("\u{0}") { return fieldPath }
                if let found = firstPathHoldingNUL(in: field.value, at: fieldPath) { return found }
            }
        default:
            break
        }
        return nil
    }

    /// What can be checked before anything is sent: the document is a mapping of known lists, of the version this
    /// program reads, and names no code twice (the database checks each part it is sent; this sees them all).
    private func check(_ document: DocumentNode, file: String) throws {
        guard case .mapping(let fields) = document.value else {
            throw ImportError(file: file, line: document.line == 0 ? 1 : document.line, path: nil,
                              message: "the document must be a mapping of lists (\(Self.sections.joined(separator: ", ")))")
        }
        for field in fields where !Self.sections.contains(field.key) && field.key != "parley" {
            throw ImportError(file: file, line: field.line, path: field.key,
                              message: "\(field.key): unknown list \"\(field.key)\"",
                              hint: "The lists of a document are \(Self.sections.joined(separator: ", ")).")
        }
        if let version = document["parley"], version.value != .number(String(Self.formatVersion)) {
            throw ImportError(file: file, line: version.line, path: "parley",
                              message: "parley: this version of parley reads documents of format 1",
                              hint: "Export the document again with this version of parley.")
        }
        if let path = Self.firstPathHoldingNUL(in: document, at: "") {
            throw ImportError(file: file, line: document.line(at: path), path: path,
                              message: "\(path): holds a NUL character (U+0000), which text cannot hold",
                              hint: "Remove the character; it is usually left over from a binary file or a bad copy.",
                              sqlState: "22021")
        }
        for (section, key) in [("people", "email"), ("parties", "code"), ("sources", "code"), ("items", "code"),
                               ("tracks", "code"), ("agreements", "code"), ("meetings", "code"), ("deals", "code"), ("commitments", "code"),
                               ("follow_ups", "code")] {
            var seen: [String: Int] = [:]
            for (index, record) in (document[section]?.elements ?? []).enumerated() {
                guard let value = record[key]?.string else { continue }
                let normalized = key == "email" ? value.lowercased() : value
                if let first = seen[normalized] {
                    let path = "\(section)[\(index)].\(key)"
                    throw ImportError(file: file, line: document.line(at: path), path: path,
                                      message: "\(path): \"\(value)\" is given twice; it was given first at \(section)[\(first)]",
                                      hint: "Each record appears once in a document; merge the two.", sqlState: "23505")
                }
                seen[normalized] = index
            }
        }
    }
}
