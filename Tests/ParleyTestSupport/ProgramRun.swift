import Foundation

/// Runs one of the built programs (`parley`, `parleyd`) as a child process, as a user or cron would.
public struct ProgramRun: Sendable {
    public var status: Int32
    /// True when the process ended by a signal (`status` is then the signal number).
    public var signalled: Bool
    public var stdout: String
    public var stderr: String

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The directory with the built binaries: `PARLEY_BIN_DIR` (set by `make test`).
    public static func binary(_ name: String) throws -> URL {
        guard let directory = ProcessInfo.processInfo.environment["PARLEY_BIN_DIR"], !directory.isEmpty else {
            throw Failure(description: "PARLEY_BIN_DIR is not set: run the tests with `make test`")
        }
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw Failure(description: "\(url.path) is not built: run the tests with `make test`")
        }
        return url
    }

    /// Runs `program` with `arguments` and `environment`, feeding `input` on stdin, and waits for it to end.
    ///
    /// - Parameter timeout: after this, the process is killed with SIGKILL and `Failure` is thrown.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String],
        input: Data? = nil, timeout: Duration = .seconds(60)
    ) throws -> ProgramRun {
        let process = Process()
        process.executableURL = try binary(program)
        process.arguments = arguments
        process.environment = environment
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try? inPipe.fileHandleForWriting.close()

        // Read both pipes while the process runs, so a chatty child never blocks on a full pipe.
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isOut: isOut)
                group.leave()
            }
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if group.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        process.waitUntilExit()
        return ProgramRun(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: collected.text(isOut: true), stderr: collected.text(isOut: false))
    }
}

final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()

    func store(_ data: Data, isOut: Bool) {
        lock.lock(); defer { lock.unlock() }
        if isOut { out = data } else { err = data }
    }

    func text(isOut: Bool) -> String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: isOut ? out : err, as: UTF8.self)
    }
}
