import Foundation

/// Runs a program to its end, its output in files of the work directory.
struct ProgramRun {
    var status: Int32
    var seconds: Double
    var stdout: String
    var stderr: String

    /// - Throws: `BenchError` when the program cannot be started.
    static func run(_ path: String, _ arguments: [String], environment: [String: String], workDirectory: String) throws -> ProgramRun {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let base = URL(fileURLWithPath: workDirectory)
        let out = base.appendingPathComponent("\(name).out"), err = base.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let watch = Stopwatch()
        do {
            try process.run()
        } catch {
            throw BenchError("cannot run \(path): \(error)")
        }
        process.waitUntilExit()
        let seconds = watch.seconds
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return ProgramRun(status: process.terminationStatus, seconds: seconds, stdout: read(out), stderr: read(err))
    }
}
