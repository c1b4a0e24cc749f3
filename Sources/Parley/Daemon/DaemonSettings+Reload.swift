import Foundation
import PQ

extension DaemonSettings {
    /// What a reload (SIGHUP) read: the settings, and the PG* variables libpq should see from now on.
    struct Reload: Sendable {
        var settings: DaemonSettings
        /// The PG* variables of the file whose values differ from the process environment's.
        var libpqEnvironment: [String: String]
    }

    /// Re-reads the settings: the environment file overlaid on the environment parleyd started with.
    ///
    /// Everything that could make the next connect a configuration error is refused here, so that the working
    /// settings stay: a connection string libpq cannot parse would end parleyd with exit 78, after which the unit
    /// does not restart it.
    ///
    /// - Parameters:
    ///   - base: the environment parleyd started with.
    ///   - file: the environment file (`PARLEY_ENV_FILE` as the current settings say).
    ///   - processEnvironment: the process environment now, which libpq reads.
    /// - Throws: `ConfigurationError` naming the setting and its rule.
    static func reload(
        over base: [String: String], file: String?, processEnvironment: [String: String]
    ) throws -> Reload {
        let environment = try EnvironmentFile.overlay(base, withFileAt: file)
        let settings = try DaemonSettings.load(from: environment)
        if let url = settings.databaseURL {
            do {
                try Connection.checkSyntax(of: url)
            } catch let error as PQError where error.kind == .invalidConnectionString {
                throw Database.configurationError(error, urlSet: true)
            }
        }
        let libpq = environment.filter { $0.key.hasPrefix("PG") && processEnvironment[$0.key] != $0.value }
        return Reload(settings: settings, libpqEnvironment: libpq)
    }
}
