import ArgumentParser
import Foundation
import Parley

extension ParleyCommand {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending database migrations, or list them.",
            discussion: """
                Each migration (sql/migrations) runs in its own transaction under an advisory lock, so concurrent \
                runs are safe and running it twice changes nothing. The repeatable files (sql/repeatable: views, \
                functions, triggers, grants) are applied again, in order, when they changed, in the transaction of \
                the last migration (all of them when a migration ran). Run it as the database owner (or a superuser): the first \
                migration creates the schemas parley and parley_data and the roles parley_owner, parley_reader, \
                parley_writer, parley_daemon and parley_clearance_*.

                Examples:
                  parley migrate
                  parley migrate --status
                """)

        @Flag(help: "List applied and pending migrations; change nothing.")
        var status = false

        func run() throws {
            try runReportingErrors(needs: .owner) {
                let migrator = try Migrator(sqlDirectory: try SQLDirectory.locate())
                let connection = try Database.connect(applicationName: "parley migrate")
                if status {
                    let report = try migrator.status(on: connection)
                    for entry in report.entries {
                        print(MigrationStatusText.line(for: entry))
                    }
                    for entry in report.repeatableEntries {
                        print(MigrationStatusText.line(for: entry))
                    }
                    for problem in report.problems {
                        printError("parley: \(problem)")
                    }
                    if let problem = report.problems.first { throw ExitCode(ErrorReport(problem).exitStatus) }
                    return
                }
                let applied = try migrator.migrate(on: connection)
                for migration in applied.migrations {
                    print("applied \(migration.fileName)")
                }
                if !applied.repeatables.isEmpty {
                    print("applied \(applied.repeatables.count) repeatable file(s): "
                        + applied.repeatables.map(\.name).joined(separator: ", "))
                }
                if applied.isEmpty {
                    print(String(format: "the database is up to date (version %06d)", migrator.latestVersion))
                }
            }
        }
    }
}

enum MigrationStatusText {
    static func line(for entry: MigrationStatus.Entry) -> String {
        let name = String(format: "%06d_%@", entry.version, entry.name)
        switch entry.state {
        case let .applied(at, by):
            return "\(name)  applied \(Timestamps.iso(at)) by \(by)"
        case .pending: return "\(name)  pending"
        case .changed: return "\(name)  CHANGED since it was applied"
        case .missing: return "\(name)  applied, but its file is missing"
        }
    }

    static func line(for entry: MigrationStatus.RepeatableEntry) -> String {
        let name = "repeatable/\(entry.name)"
        switch entry.state {
        case let .current(at, by): return "\(name)  applied \(Timestamps.iso(at)) by \(by)"
        case .new: return "\(name)  pending (new)"
        case .changed: return "\(name)  pending (changed since it was applied)"
        case .removed: return "\(name)  applied, but its file is gone (its record is dropped at the next migrate)"
        }
    }
}
