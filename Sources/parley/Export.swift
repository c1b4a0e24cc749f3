import ArgumentParser
import Foundation
import Parley

extension ParleyCommand {
    /// `parley export`: the whole world as one document.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the whole world as one document (YAML or JSON) that `parley import` reads.",
            discussion: """
                Records are sorted by their natural keys, so the same database always gives the same file, and \
                export → import into an empty database → export gives the identical file. Only what you are \
                cleared to see is exported. Meeting times are written on the track's clock, follow-up times on the \
                assignee's.

                Examples:
                  parley export > world.yaml
                  parley export --format json -o world.json
                """)

        @Option(help: "yaml (default, or as the -o file's extension says) or json.")
        var format: DocumentFormat?

        @Option(name: [.short, .customLong("output")], help: "Write to this file (replaced whole) instead of standard output.")
        var output: String?

        func run() throws {
            try runEntry(needs: .reader) {
                let connection = try connectForReading("export")
                let chosen = format ?? output.flatMap { DocumentFormat(fileName: $0) } ?? .yaml
                let text = try WorldExport.text(on: connection, format: chosen)
                try writeOutput(text, to: output)
            }
        }
    }
}

extension DocumentFormat: ExpressibleByArgument {}

/// Writes `text` to `path` (replacing it whole, never half-written) or to standard output when `path` is nil.
/// A file that cannot be written exits with status 73.
func writeOutput(_ text: String, to path: String?) throws {
    guard let path, path != "-" else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw OutputFileError(path: path, reason: (error as NSError).localizedDescription)
    }
}
