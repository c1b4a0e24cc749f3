import Foundation

/// A built program running in the background (the daemon), whose stderr is collected as it comes.
public final class BackgroundProgram: @unchecked Sendable {
    public let process = Process()
    private let lock = NSLock()
    private var collected = Data()

    /// Starts `program` (a binary of `PARLEY_BIN_DIR`) with `arguments` and `environment`.
    public init(_ program: String, _ arguments: [String] = [], environment: [String: String]) throws {
        process.executableURL = try ProgramRun.binary(program)
        process.arguments = arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.collected.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything written to stderr so far.
    public var stderr: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    public var pid: Int32 { process.processIdentifier }

    /// Waits until stderr contains `text`; false after `timeout`.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(10)) -> Bool {
        poll(timeout: timeout) { self.stderr.contains(text) }
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; nil when it is still running after `timeout`.
    public func waitForExit(timeout: Duration = .seconds(10)) -> Int32? {
        guard poll(timeout: timeout, { !self.process.isRunning }) else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Checks `condition` every 20 ms until it holds (true) or `timeout` passes (false).
public func poll(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
