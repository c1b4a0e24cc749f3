import ArgumentParser
import Foundation
import Parley

extension ParleyCommand {
    /// `parley import FILE`: the whole world from one YAML or JSON document.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a whole document (YAML or JSON) of parties, tracks, meetings, commitments and more.",
            discussion: """
                The format is described in docs/import-format.md; examples/demo.yaml is an example, and `parley \
                export` writes it. The import is all or nothing (one transaction) and idempotent: records are found \
                again by their natural keys (codes, e-mails, ...), so importing the same file twice changes nothing, \
                and a record the file changes is brought to what the file says. Nothing is deleted.

                A refused file names the line and the field, e.g.
                  demo.yaml:57: commitments[3].due_on: 2025-05-01 is before made_on 2025-05-16
                and leaves the database as it was (exit status 65).

                YAML or JSON is told by the extension (.yaml, .yml, .json), else by the content; - reads standard \
                input. Prints one line saying what changed; a progress bar shows on a terminal for large files.

                Before you import an old file over newer work, look: --dry-run lists every change the file would \
                make to records already recorded, one line per field, e.g.
                  commitment C-12: due_on 2023-05-18 → 2022-11-19
                then rolls back. --verbose lists the same for a real import, and the records added too \
                ("new commitment C-13"). Only what you may see is listed.

                Examples:
                  parley import examples/demo.yaml
                  parley import --dry-run world.json
                  parley import --verbose world.json
                """)

        @Argument(help: "The document to import (.yaml, .yml or .json; - for standard input).")
        var file: String

        @Flag(help: "Check the whole document against the database, then roll back: nothing is written.")
        var dryRun = false

        @Flag(help: "List every change field by field, and every record added, before the summary line.")
        var verbose = false

        @Flag(help: "Print nothing when all went well.")
        var quiet = false

        func validate() throws {
            if quiet && verbose { throw ValidationError("--quiet and --verbose: choose one") }
        }

        func run() throws {
            try runEntry(needs: .writer) {
                let document: DocumentNode
                if file == "-" {
                    let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    do {
                        document = try DocumentFormat(sniffing: text).read(text)
                    } catch let error as DocumentError {
                        throw ImportError(file: "<stdin>", line: error.line, path: nil, message: error.message)
                    }
                } else {
                    document = try WorldImport.read(file: file)
                }
                let connection = try connect("import")
                let total = WorldImport.recordCount(document)
                let bar = ProgressBar(label: "importing", total: total)
                // Ends the bar's line also when the import is refused, so the error starts on a line of its own.
                defer { bar.finish() }
                let summary = try WorldImport().run(
                    document, file: file == "-" ? "<stdin>" : file, on: connection, dryRun: dryRun,
                    listChanges: (dryRun || verbose) && !quiet, progress: { done, total in bar.update(done: done, total: total) })
                bar.finish()
                if quiet { return }
                // A dry run shows what would be overwritten; --verbose also what would be added.
                for change in summary.changes where verbose || change.touchesExistingRecord {
                    print(change.line)
                }
                print(summary.line(file: file == "-" ? "<stdin>" : file))
            }
        }
    }
}
