import ArgumentParser
import Foundation
import Parley

extension ParleyCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the schema version, running daemons, alerts waiting and failed, and the last mailer run.",
            discussion: """
                The first thing to run when something seems wrong. Exits 0 when all is well; 1 when something needs \
                attention (migrations pending, no live parleyd leader, failed deliveries), so monitoring can call it.

                Examples:
                  parley status
                  parley status --format json
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        func run() throws {
            var healthy = true
            try runReportingErrors(needs: .reader) {
                let migrator = try Migrator(sqlDirectory: try SQLDirectory.locate())
                let connection = try Database.connect(applicationName: "parley status")
                let status = try SystemStatus.read(on: connection, migrator: migrator)
                switch format {
                case .text:
                    print(status.text)
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(status), as: UTF8.self))
                }
                healthy = status.isHealthy
            }
            if !healthy { throw ExitCode(1) }
        }
    }
}
