import Foundation
import PQ
import Parley
import ParleyTestSupport
import Testing

/// `make install` / `make uninstall` (their script, fed the binaries this test run built), the installed
/// programs against the test database, and the systemd units' checks.
@Suite struct InstallTests {
    /// The checkout: two folders up from this file's folder.
    static let checkout = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func runTool(_ executable: String, _ arguments: [String], in directory: URL = checkout) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func install(destdir: String, prefix: String, sysconfdir: String) throws {
        let binDirectory = try ProgramRun.binary("parley").deletingLastPathComponent().path
        let (status, output) = try runTool("/bin/bash", [
            "scripts/install.sh", "install", binDirectory, destdir, prefix, sysconfdir,
            "\(prefix)/lib/systemd/system", "\(prefix)/lib/sysusers.d"])
        try #require(status == 0, "install failed: \(output)")
    }

    @Test func installedProgramsMigrateAndReportStatusAndUninstallLeavesNothing() throws {
        let destdir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-destdir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        try install(destdir: destdir, prefix: "/usr/local", sysconfdir: "/etc")

        let expected = [
            "/usr/local/bin/parley", "/usr/local/bin/parleyd",
            "/usr/local/share/parley/sql/migrations/000001_foundation.sql",
            "/usr/local/share/man/man1/parley.1", "/usr/local/share/man/man8/parleyd.8",
            "/usr/local/lib/systemd/system/parleyd.service", "/usr/local/lib/sysusers.d/parley.conf",
            "/etc/parley/parley.env.example",
        ]
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: destdir + path), "missing \(path)")
        }

        // The installed binaries find the installed SQL (../share/parley/sql), not the source tree's.
        try TestDatabase.with(empty: true) { database in
            var environment = database.environment
            environment.removeValue(forKey: "PARLEY_SQL_DIR")
            environment["PARLEY_BIN_DIR"] = destdir + "/usr/local/bin"
            let parley = destdir + "/usr/local/bin/parley"
            let migrate = try runInstalled(parley, ["migrate"], environment: environment)
            #expect(migrate.0 == 0, "\(migrate.1)")
            #expect(migrate.1.contains("applied 000001_foundation.sql"))
            let status = try runInstalled(parley, ["status"], environment: environment)
            // No daemon runs: status says so and exits 1, but it read the schema as current.
            #expect(status.0 == 1, "\(status.1)")
            #expect(status.1.contains("up to date"), "\(status.1)")
            #expect(status.1.contains("no parleyd instance is running"))
        }

        let binDirectory = try ProgramRun.binary("parley").deletingLastPathComponent().path
        let (status, output) = try runTool("/bin/bash", [
            "scripts/install.sh", "uninstall", binDirectory, destdir, "/usr/local", "/etc",
            "/usr/local/lib/systemd/system", "/usr/local/lib/sysusers.d"])
        #expect(status == 0, "\(output)")
        let left = FileManager.default.enumerator(atPath: destdir)?.compactMap { item -> String? in
            let path = destdir + "/" + (item as! String)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            return isDirectory.boolValue ? nil : item as? String
        } ?? []
        #expect(left.isEmpty, "uninstall left \(left)")
    }

    func runInstalled(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The overall exposure level `systemd-analyze security` printed (10, the worst, when it printed none).
    func exposure(in report: String) -> Double {
        guard let match = report.firstMatch(of: /Overall exposure level for [^:]*: ([0-9.]+)/) else { return 10 }
        return Double(String(match.output.1)) ?? 10
    }

    @Test func everyUnitVerifiesAndEveryServiceIsHardened() throws {
        // A real PREFIX (no DESTDIR), so that the units' ExecStart paths exist for systemd-analyze verify.
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("parley-prefix-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        try install(destdir: "", prefix: prefix, sysconfdir: prefix + "/etc")
        let unitDirectory = prefix + "/lib/systemd/system"
        let units = try FileManager.default.contentsOfDirectory(atPath: unitDirectory).sorted()
        #expect(units.contains("parleyd.service"))
        #expect(units.contains("parley-alerts.service"))
        #expect(units.contains("parley-alerts.timer"))
        for unit in units {
            let path = unitDirectory + "/" + unit
            let (verify, verifyOutput) = try runTool("/usr/bin/systemd-analyze", ["verify", "--man=no", path])
            #expect(verify == 0, "systemd-analyze verify \(unit): \(verifyOutput)")
            guard unit.hasSuffix(".service") else { continue }
            let (_, report) = try runTool("/usr/bin/systemd-analyze", ["security", "--offline=yes", path])
            let score = exposure(in: report)
            #expect(score <= 2.0, "\(unit) exposure \(score): \(report.suffix(400))")
        }
    }
}
