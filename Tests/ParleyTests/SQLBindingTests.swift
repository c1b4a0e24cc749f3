import Foundation
import Testing

/// Values reach the database as `$n` parameters, never pasted into SQL text (DESIGN.md, "What is kept out").
///
/// Every Swift file under Sources/ is read; in every literal that is SQL sent to the server (see
/// `SwiftSQLLiterals`), an interpolation `\(…)` is allowed only as
/// - the number of a placeholder: `$\(index)`, or
/// - an identifier quoted with `escapeIdentifier`: `\(try connection.escapeIdentifier(name))`, or a constant the
///   same file assigns from it (`let table = try connection.escapeIdentifier(name)` … `\(table)`).
/// That is the one escape hatch. Anything else fails, with the file and line.
///
/// Sources/PQ is not scanned: it is the layer that implements binding, and its only SQL text is the transaction
/// control it generates itself (`BEGIN`, `SAVEPOINT pq_savepoint_N`).
@Suite struct SQLBindingTests {
    static var sourcesRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    static func swiftFiles() throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: sourcesRoot, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift", !url.path.contains("/Sources/PQ/") else { continue }
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }

    @Test func everyValueInTheSQLOfTheSourcesIsABoundParameter() throws {
        var problems: [String] = []
        var statements = 0
        let files = try Self.swiftFiles()
        for file in files {
            let scan = SwiftSQLLiterals(source: try String(contentsOf: file, encoding: .utf8))
            statements += scan.literals.count
            let relative = file.path.replacingOccurrences(of: Self.sourcesRoot.deletingLastPathComponent().path + "/", with: "")
            for unsafe in scan.unsafeInterpolations {
                problems.append("\(relative):\(unsafe.line): \\(\(unsafe.expression)) in \"\(unsafe.text.prefix(100))\"")
            }
        }
        print("SQL binding check: \(statements) SQL literals in \(files.count) files; \(problems.count) unsafe interpolations")
        #expect(statements > 50, "too few SQL literals found (\(statements)): the scanner is broken")
        #expect(problems.isEmpty, """
            SQL text built by interpolation (bind values as $n parameters; quote identifiers with escapeIdentifier):
            \(problems.joined(separator: "\n"))
            """)
    }

    /// The scanner itself: it must see SQL where it is executed, and leave text for people alone.
    @Test func theScannerFindsInterpolatedValuesAndAllowsTheEscapeHatch() {
        let source = #"""
            func f(connection: Connection, code: String, id: Int) throws {
                try connection.query("select * from parley.tracks where code = '\(code)'")
                try connection.query("select * from parley.tracks where code = $\(1)", [code])
                try connection.execute("drop table \(try connection.escapeIdentifier(code))")
                let table = try connection.escapeIdentifier(code)
                try connection.execute("truncate \(table)")
                let sql = "delete from x where id = \(id)"
                let hint = "run: select parley.acknowledge_alert(\(id));"
                print("select \(id)")
            }
            struct Q {
                var sql: String {
                    return "select \(column) from parley.view"
                }
            }
            """#
        let scan = SwiftSQLLiterals(source: source)
        let flagged = scan.unsafeInterpolations.map(\.expression)
        #expect(flagged == ["code", "id", "column"], "flagged: \(flagged)")
    }
}
