import ArgumentParser
import Foundation
import PQ
import Parley

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Runs a command's work and turns its errors into a clear message on stderr and a sysexits status, as
/// `ErrorReport` maps them.
///
/// Refused input shows the server's message, detail and hint, which name the field and the rule; a missing
/// privilege says which role the command needs; connection failures never show the connection string.
///
/// - Parameter role: the role the command needs, named when the database refuses for a missing privilege.
func runReportingErrors(needs role: ParleyRole, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        let report = ErrorReport(error, neededRole: role)
        printError("parley: \(report.message)")
        throw ExitCode(report.exitStatus)
    }
}
