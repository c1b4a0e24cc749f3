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
            "/etc/parley/parley.env.example", "/usr/local/share/bash-completion/completions/parley",
            "/usr/local/share/zsh/site-functions/_parley", "/usr/local/share/fish/vendor_completions.d/parley.fish",
        ]
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: destdir + path), "missing \(path)")
        }

        // The completions come from the parser: they know the subcommands and the options of today.
        let bash = try String(contentsOfFile: destdir + "/usr/local/share/bash-completion/completions/parley", encoding: .utf8)
        #expect(bash.contains("follow-ups") && bash.contains("--check") && bash.contains("--mailer-period"))
        #expect(!bash.hasPrefix("#!"), "bash-completion sources the file; it carries no #! line")
        let (syntax, syntaxOutput) = try runTool("/bin/bash", ["-n", destdir + "/usr/local/share/bash-completion/completions/parley"])
        #expect(syntax == 0, "bash cannot parse the completion: \(syntaxOutput)")
        let zsh = try String(contentsOfFile: destdir + "/usr/local/share/zsh/site-functions/_parley", encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef parley") && zsh.contains("--check"))
        let fish = try String(contentsOfFile: destdir + "/usr/local/share/fish/vendor_completions.d/parley.fish", encoding: .utf8)
        #expect(fish.contains("complete -c 'parley'") && fish.contains("-l 'check'"))

        // The cron file does nothing as installed (its job line is commented out), and enabling it gives a job that
        // runs the installed program as the parley user.
        let cron = try String(contentsOfFile: destdir + "/etc/cron.d/parley", encoding: .utf8)
        let jobs = cron.split(separator: "\n").filter { $0.first.map { !"#\n".contains($0) } ?? false && !$0.contains("=") }
        #expect(jobs.isEmpty, "the cron file is live as installed: \(jobs)")
        let commented = try #require(cron.split(separator: "\n").first { $0.hasPrefix("#*/5") }, "no job line to enable")
        #expect(commented.dropFirst().split(separator: " ", omittingEmptySubsequences: true).count >= 7)
        #expect(commented.contains(" parley ") && commented.contains("exec /usr/local/bin/parley alerts send"))

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
        let folders = (try? FileManager.default.subpathsOfDirectory(atPath: destdir)) ?? []
        #expect(folders.isEmpty, "uninstall left the folders \(folders)")
    }

    /// A reinstall keeps a cron file the operator edited (enabled it, set MAILTO); uninstall still removes it.
    @Test func aReinstallKeepsTheEditedCronFile() throws {
        let destdir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-destdir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        try install(destdir: destdir, prefix: "/usr/local", sysconfdir: "/etc")
        let path = destdir + "/etc/cron.d/parley"
        let enabled = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "MAILTO=root", with: "MAILTO=ops@mfa.example")
            .replacingOccurrences(of: "#*/5", with: "*/5")
        try enabled.write(toFile: path, atomically: true, encoding: .utf8)
        try install(destdir: destdir, prefix: "/usr/local", sysconfdir: "/etc")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == enabled)
    }

    /// man parley and man parleyd render without a warning (`man --warnings`, groff) and pass `mandoc -T lint`:
    /// `make man` tidies what swift-argument-parser generates (scripts/man-tidy.py). The generated page is
    /// committed, so it must know every subcommand and the options of today.
    @Test func theManPagesAreLintCleanAndCurrent() throws {
        for page in ["man/parley.1", "man/parleyd.8"] {
            let (lint, lintOutput) = try runTool("/usr/bin/mandoc", ["-T", "lint", page])
            #expect(lint == 0 && lintOutput.isEmpty, "mandoc -T lint \(page):\n\(lintOutput)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/man")
            process.arguments = ["--warnings", "-l", page]
            process.currentDirectoryURL = Self.checkout
            var environment = ProcessInfo.processInfo.environment
            environment["MANWIDTH"] = "80"
            environment["MAN_KEEP_FORMATTING"] = "0"
            process.environment = environment
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            let warnings = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && warnings.isEmpty, "man --warnings \(page):\n\(warnings.prefix(600))")
        }
        let page = try String(contentsOf: Self.checkout.appendingPathComponent("man/parley.1"), encoding: .utf8)
        let help = try ProgramRun.run("parley", ["--help"], environment: ProcessInfo.processInfo.environment)
        // Each subcommand's line of the help starts with two spaces and its name; wrapped abstracts start further in.
        let subcommands = (help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? "")
            .split(separator: "\n").compactMap { $0.firstMatch(of: /^  ([a-z][a-z-]*) {2}/).map { String($0.output.1) } }
        #expect(subcommands.count > 10, "no subcommands in parley --help: \(help.stdout)")
        for name in subcommands {
            #expect(page.contains(".It Em \(name)"), "man/parley.1 lacks \(name): run make man")
        }
        #expect(page.contains("Fl -check") && page.contains("Fl -mailer-period"), "man/parley.1 is older than parley status: run make man")
    }

    /// The package's version is the programs' version: dpkg-buildpackage takes it from debian/changelog.
    @Test func theDebianChangelogNamesThisVersion() throws {
        let changelog = try String(contentsOf: Self.checkout.appendingPathComponent("debian/changelog"), encoding: .utf8)
        #expect(changelog.hasPrefix("parley (\(ParleyVersion.current)) "), "debian/changelog: \(changelog.prefix(60))")
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
