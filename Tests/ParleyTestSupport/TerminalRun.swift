import Foundation

/// Runs one of the built programs with its standard output on a real terminal: a pseudo-terminal of a chosen size,
/// as a desk officer's terminal window is, so that the program's "is this a terminal, how wide" is the real one.
public struct TerminalRun: Sendable {
    public var status: Int32
    /// What the program wrote to the terminal, with the terminal's CR LF line ends turned back into LF.
    public var output: String
    public var stderr: String

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    // Linux's ioctls for a pseudo-terminal's master (asm-generic/ioctls.h); Swift does not import these macros.
    private static let unlockRequest: UInt = 0x4004_5431  // TIOCSPTLCK, _IOW('T', 0x31, int)
    private static let numberRequest: UInt = 0x8004_5430  // TIOCGPTN, _IOR('T', 0x30, unsigned int)

    /// Runs `program` with `arguments` and `environment`, its standard output a terminal `columns` wide and its
    /// standard error a pipe, and waits for it to end.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String], columns: UInt16,
        timeout: Duration = .seconds(60)
    ) throws -> TerminalRun {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw Failure(description: "open /dev/ptmx: errno \(errno)") }
        defer { close(master) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        var size = winsize(ws_row: 50, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, unlockRequest, &unlock) == 0, ioctl(master, numberRequest, &number) == 0,
              ioctl(master, UInt(TIOCSWINSZ), &size) == 0
        else { throw Failure(description: "setting up the pseudo-terminal: errno \(errno)") }
        let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { throw Failure(description: "open /dev/pts/\(number): errno \(errno)") }

        let process = Process()
        process.executableURL = try ProgramRun.binary(program)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
        process.standardInput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        do {
            try process.run()
        } catch {
            close(terminal)
            throw error
        }
        // Only the child holds the terminal now: reading the master ends (EIO) once the child has exited.
        close(terminal)

        let collected = OutputCollector()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(master, &buffer, buffer.count)
                if count > 0 {
                    data.append(contentsOf: buffer[0..<count])
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            collected.store(data, isOut: true)
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            collected.store(errPipe.fileHandleForReading.readDataToEndOfFile(), isOut: false)
            group.leave()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if group.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        process.waitUntilExit()
        return TerminalRun(
            status: process.terminationStatus,
            output: collected.text(isOut: true).replacingOccurrences(of: "\r\n", with: "\n"),
            stderr: collected.text(isOut: false))
    }
}
