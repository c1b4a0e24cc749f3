import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A running parleyd, its standard error in a log file, and what /proc says about it.
final class DaemonProcess {
    let process = Process()
    let logPath: String
    let pidPath: String

    /// Starts `binary` with `environment`, standard error and output appended to `logPath`, its process ID in
    /// `pidPath` (for scripts/bench.sh to stop it should this program die first).
    init(binary: String, environment: [String: String], logPath: String, pidPath: String) throws {
        self.logPath = logPath
        self.pidPath = pidPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start \(binary): \(error)")
        }
        try? "\(process.processIdentifier)\n".write(toFile: pidPath, atomically: true, encoding: .utf8)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The log so far, line by line.
    var logLines: [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// User plus system CPU time the process has used, in seconds (/proc/PID/stat, fields 14 and 15).
    func cpuSeconds() throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        guard let close = stat.lastIndex(of: ")") else { throw BenchError("cannot read /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("cannot read the CPU times in /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory (VmRSS of /proc/PID/status), in MiB.
    func residentMiB() throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else {
            throw BenchError("cannot read VmRSS in /proc/\(pid)/status")
        }
        return kib / 1024
    }

    /// SIGTERM, then SIGKILL if it has not stopped within 10 s.
    func stop() {
        guard process.isRunning else {
            try? FileManager.default.removeItem(atPath: pidPath)
            return
        }
        process.terminate()
        let watch = Stopwatch()
        while process.isRunning && watch.seconds < 10 { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: pidPath)
    }
}
