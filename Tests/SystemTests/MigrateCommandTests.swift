import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `parley migrate` as an operator runs it.
@Suite struct MigrateCommandTests {
    @Test func migrateThenStatusThenAgain() throws {
        try TestDatabase.with(empty: true) { database in
            let first = try ProgramRun.run("parley", ["migrate"], environment: database.environment)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("applied 000001_foundation.sql"))

            let status = try ProgramRun.run("parley", ["migrate", "--status"], environment: database.environment)
            #expect(status.status == 0)
            #expect(!status.stdout.contains("pending"))
            #expect(status.stdout.contains("000002_model  applied"))

            let again = try ProgramRun.run("parley", ["migrate"], environment: database.environment)
            #expect(again.status == 0)
            #expect(again.stdout.hasPrefix("the database is up to date"))
        }
    }

    @Test func anUnreachableDatabaseIsATemporaryFailureWithoutThePassword() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["PARLEY_DATABASE_URL"] = "postgresql://parley:s3cret-Pa55@/parley?host=/nonexistent/socket/dir"
        let run = try ProgramRun.run("parley", ["migrate"], environment: environment)
        #expect(run.status == Sysexits.temporaryFailure)
        #expect(run.stderr.contains("cannot reach the database"))
        #expect(!run.stderr.contains("s3cret-Pa55"))
        #expect(!run.stdout.contains("s3cret-Pa55"))
    }

    @Test func aWrongSQLDirectoryIsAConfigurationError() throws {
        try TestDatabase.with(empty: true) { database in
            var environment = database.environment
            environment["PARLEY_SQL_DIR"] = "/nonexistent/parley/sql"
            let run = try ProgramRun.run("parley", ["migrate"], environment: environment)
            #expect(run.status == Sysexits.config)
            #expect(run.stderr.contains("PARLEY_SQL_DIR"))
        }
    }
}
