import Foundation
import Parley
@testable import PQ
import SystemCalls
import Testing

/// The one mapping from an error to an exit status, as cron and systemd read it (sysexits(3)): refused data is 65,
/// a refused permission 77, what to try again later 75, a setting to fix 78, a bug 70.
@Suite struct ErrorReportTests {
    static func server(_ code: SQLState, _ message: String, constraint: String? = nil) -> PQError {
        var error = PQError(kind: .server, message: message)
        error.sqlState = code
        error.constraint = constraint
        return error
    }

    @Test(arguments: [
        // Refused input.
        ("23505", Sysexits.dataError), ("23514", Sysexits.dataError), ("23503", Sysexits.dataError),
        ("23502", Sysexits.dataError), ("22007", Sysexits.dataError), ("22023", Sysexits.dataError),
        ("22P02", Sysexits.dataError), ("P0001", Sysexits.dataError), ("P0002", Sysexits.dataError),
        // Permission.
        ("42501", Sysexits.noPermission), ("28000", Sysexits.noPermission), ("28P01", Sysexits.noPermission),
        // Not a fault of the input: a program and a schema that do not fit, a bug.
        ("42883", Sysexits.software), ("42P01", Sysexits.software), ("42703", Sysexits.software),
        ("42601", Sysexits.software), ("XX000", Sysexits.software), ("0A000", Sysexits.software),
        ("P0004", Sysexits.software), ("08P01", Sysexits.software),
        // Try again later.
        ("08006", Sysexits.temporaryFailure), ("40001", Sysexits.temporaryFailure), ("40P01", Sysexits.temporaryFailure),
        ("53300", Sysexits.temporaryFailure), ("55P03", Sysexits.temporaryFailure), ("57014", Sysexits.temporaryFailure),
        ("57P01", Sysexits.temporaryFailure), ("57P03", Sysexits.temporaryFailure),
        // A setting to fix: a write sent to a hot standby.
        ("25006", Sysexits.config),
    ] as [(String, Int32)])
    func serverErrorsExitBySQLState(code: String, status: Int32) {
        let report = ErrorReport(Self.server(SQLState(rawValue: code), "refused"), neededRole: .writer)
        #expect(report.exitStatus == status, "SQLSTATE \(code)")
    }

    @Test func aMissingPrivilegeNamesTheRoleNeededAndHowToCheckOnesOwn() {
        let report = ErrorReport(Self.server(.insufficientPrivilege, "permission denied for function record_update"),
                                 neededRole: .writer)
        #expect(report.exitStatus == 77)
        #expect(report.message.hasPrefix("permission denied for function record_update\nHINT: "))
        #expect(report.message.contains("parley_writer"))
        #expect(report.message.contains("select * from parley.whoami;"))

        let daemon = ErrorReport(Self.server(.insufficientPrivilege, "permission denied for function claim_deliveries"),
                                 neededRole: .daemon)
        #expect(daemon.message.contains("parley_daemon"))
        let unknown = ErrorReport(Self.server(.insufficientPrivilege, "permission denied for table x"))
        #expect(unknown.exitStatus == 77 && unknown.message.contains("select * from parley.whoami;"))
    }

    @Test func aWriteSentToAStandbySaysWhichSettingToFix() {
        let report = ErrorReport(Self.server(.readOnlySqlTransaction, "cannot execute INSERT in a read-only transaction"),
                                 neededRole: .writer)
        #expect(report.exitStatus == 78)
        #expect(report.message.hasPrefix("cannot execute INSERT in a read-only transaction\nHINT: "))
        #expect(report.message.contains("hot standby") && report.message.contains("PARLEY_DATABASE_URL")
                && report.message.contains("target_session_attrs=read-write"), "\(report.message)")
    }

    @Test func parleysOwnClearanceRefusalKeepsItsMessage() {
        var error = Self.server(.insufficientPrivilege, "classification secret is above your clearance (restricted)",
                                constraint: "within_clearance")
        error.hint = "Record it at restricted or lower, or ask for a higher clearance."
        let report = ErrorReport(error, neededRole: .writer)
        #expect(report.exitStatus == 77)
        #expect(report.message == error.serverMessage, "no role hint added to a refusal that says what to do")
    }

    @Test func errorsOfTheProgramsThemselves() {
        #expect(ErrorReport(ConfigurationError(setting: "PARLEY_LOG_LEVEL", problem: "bad")).exitStatus == 78)
        #expect(ErrorReport(MigrationError.databaseOlder(databaseVersion: 9, knownVersion: 10)).exitStatus == 78)
        #expect(ErrorReport(InputRefusal(message: "--for: \"soon\" is not a length of time")).exitStatus == 65)
        #expect(ErrorReport(ImportError(file: "a.yaml", line: 3, path: "x", message: "bad", sqlState: "23514")).exitStatus == 65)
        #expect(ErrorReport(ImportError(file: "a.yaml", line: 3, path: "x", message: "above", sqlState: "42501")).exitStatus == 77)
        #expect(ErrorReport(MailerError.sendmailUnavailable(path: "/x", problem: "does not exist")).exitStatus == 69)
        #expect(ErrorReport(MailerError.directoryUnusable(path: "/x", problem: "is not writable")).exitStatus == 73)
        #expect(ErrorReport(OutputFileError(path: "/x", reason: "Permission denied")).exitStatus == 73)
        let failed = ErrorReport(SystemCallError(function: "pipe", errno: EMFILE))
        #expect(failed.exitStatus == 71)
        #expect(failed.message == "pipe() failed: Too many open files (errno 24)")
        #expect(ErrorReport(PQError(kind: .connectionFailed, message: "connection refused")).exitStatus == 75)
        #expect(ErrorReport(PQError(kind: .connectionFailed, message: "connection refused")).message
                == "cannot reach the database: connection refused")
        #expect(ErrorReport(PQError(kind: .invalidConnectionString, message: "invalid URI")).exitStatus == 78)
        #expect(ErrorReport(PQError(kind: .decoding, message: "NULL")).exitStatus == 70)
    }
}
