import ArgumentParser
import Foundation
import PQ
import Parley

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Runs a command's work and turns its errors into one clear line on stderr and a sysexits status.
///
/// Refused input (a server error of class 22 or 23, or a raised exception) shows the server's message, detail and
/// hint, which name the field and the rule; connection failures never show the connection string.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        let (message, status) = describe(error)
        printError("parley: \(message)")
        throw ExitCode(status)
    }
}

/// The line to show and the exit status for an error.
func describe(_ error: any Error) -> (String, Int32) {
    switch error {
    case let error as ConfigurationError:
        return (error.description, Sysexits.config)
    case let error as MigrationError:
        return (error.description, Sysexits.config)
    case let error as PQError:
        switch error.kind {
        case .connectionFailed, .connectionLost:
            return ("cannot reach the database: \(error.serverMessage)", Sysexits.temporaryFailure)
        case .server:
            let refused = ["22", "23", "P0", "42"].contains(error.sqlState.map { String($0.rawValue.prefix(2)) } ?? "")
            return (error.serverMessage, refused ? Sysexits.dataError : Sysexits.software)
        default:
            return (error.serverMessage, Sysexits.software)
        }
    case let error as CustomStringConvertible:
        return (error.description, Sysexits.software)
    default:
        return ("\(error)", Sysexits.software)
    }
}
