import ArgumentParser
import Foundation
import PQ
import Parley

extension ParleyCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the schema version, running daemons, alerts waiting and failed, and the last mailer run.",
            discussion: """
                The first thing to run when something seems wrong. The report ends with a verdict; the exit status \
                is 0 when all is well and 1 when something needs attention.

                With --check it prints one line and exits as a monitoring plugin does (Nagios, Icinga): 0 OK; \
                1 WARNING, deliveries failed after their last attempt; 2 CRITICAL, no parleyd leads, or deliveries \
                are due and the mailer has not run for two of its periods, or the schema is behind (also when the \
                database cannot be reached); 3 UNKNOWN, a bad setting or an unexpected error.

                Like the mailer, it reads PARLEY_ENV_FILE (default /etc/parley/parley.env) for the settings the \
                environment does not set, so it checks the database the service uses. Counts cover the alerts the \
                login may see: run it as a login cleared secret (the service's own) to see all.

                Examples:
                  parley status
                  parley status --check
                  parley status --format json
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        @Flag(help: "One line and a monitoring plugin's exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
        var check = false

        @Option(help: ArgumentHelp(
            "How often the timer or cron runs the mailer; due deliveries waiting two periods are critical.",
            valueName: "MINUTES"))
        var mailerPeriod: Int = 5

        func validate() throws {
            guard (1...1440).contains(mailerPeriod) else {
                throw ValidationError("--mailer-period must be a whole number of minutes from 1 to 1440")
            }
            if check && format != .text { throw ValidationError("--check prints one line: it takes no --format") }
        }

        var period: Duration { .seconds(mailerPeriod * 60) }

        func run() throws {
            if check { try runCheck() } else { try runReport() }
        }

        func readStatus() throws -> SystemStatus {
            let environment = try SettingsFile.load()
            let migrator = try Migrator(sqlDirectory: try SQLDirectory.locate(environment: environment))
            let connection = try Database.connect(applicationName: "parley status", environment: environment, reading: true)
            return try SystemStatus.read(on: connection, migrator: migrator)
        }

        func runReport() throws {
            var verdict = HealthCheck.State.ok
            try runReportingErrors(needs: .reader) {
                let status = try readStatus()
                switch format {
                case .text:
                    print(status.text(mailerPeriod: period))
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(status), as: UTF8.self))
                }
                verdict = status.check(mailerPeriod: period).state
            }
            if verdict != .ok { throw ExitCode(1) }
        }

        /// Every outcome is one line on stdout and a plugin status, errors included: monitoring reads nothing else.
        func runCheck() throws {
            let result: HealthCheck
            do {
                result = try readStatus().check(mailerPeriod: period)
            } catch let error as PQError where error.kind == .connectionFailed || error.kind == .connectionLost {
                result = .unreachable("cannot reach the database: \(error.serverMessage)")
            } catch {
                result = .unknown(ErrorReport(error, neededRole: .reader).message)
            }
            print(result.line)
            throw ExitCode(result.state.rawValue)
        }
    }
}
