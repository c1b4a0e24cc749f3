import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Pipes each message to `sendmail -t -oi`, the interface every MTA provides (Postfix, Exim, msmtp-mta, nullmailer):
/// `-t` takes the recipients from the header, `-oi` keeps a line with a single dot from ending the message.
///
/// The attempt fails when sendmail exits non-zero, is killed by a signal, or does not finish within the timeout
/// (it is then killed, with everything it started). What it printed is kept, shortened, for the error.
public struct SendmailTransport: MailTransport {
    public let path: String
    public let timeout: Duration

    public init(path: String, timeout: Duration) {
        self.path = path
        self.timeout = timeout
    }

    public func checkUsable() throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw MailerError.sendmailUnavailable(path: path, problem: "does not exist")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR, access(path, X_OK) == 0 else {
            throw MailerError.sendmailUnavailable(path: path, problem: "is not an executable program")
        }
    }

    public func send(_ message: MailMessage) throws {
        let input = [UInt8](message.rendered(lineEnding: .lf))
        let deadline = ContinuousClock.now + timeout
        // A sendmail that exits before reading everything must fail the attempt (EPIPE), not kill this process:
        // SIGPIPE is blocked in this thread while we write, and one raised meanwhile is taken off afterwards.
        var sigpipe = sigset_t()
        sigemptyset(&sigpipe)
        sigaddset(&sigpipe, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &sigpipe, &previousMask)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previousMask, SIGPIPE) == 0 {
                var immediately = timespec(tv_sec: 0, tv_nsec: 0)
                sigtimedwait(&sigpipe, nil, &immediately)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        let child = try Child.spawn(path: path, arguments: [path, "-t", "-oi"])
        var output: [UInt8] = []
        var written = 0
        var inputOpen = true
        var outputOpen = true
        var ended: Child.Status?

        // Feed the message and collect what it prints at the same time: a sendmail that writes a lot before
        // reading must not dead-lock us, and one that stops reading must not block us past the deadline.
        while inputOpen || outputOpen {
            // Something it started may keep the output open after it ended: its own exit is what counts.
            if !inputOpen, let status = child.reapIfEnded() {
                ended = status
                break
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            var fds: [pollfd] = []
            if inputOpen { fds.append(pollfd(fd: child.stdin, events: Int16(POLLOUT), revents: 0)) }
            if outputOpen { fds.append(pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)) }
            let milliseconds = Int32(clamping: max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&fds, nfds_t(fds.count), min(milliseconds, inputOpen ? 1000 : 50))
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == child.stdin {
                    let count = input.withUnsafeBytes { raw in
                        Glibc.write(child.stdin, raw.baseAddress! + written, min(raw.count - written, 65536))
                    }
                    if count > 0 { written += count }
                    if written == input.count || (count < 0 && errno != EAGAIN && errno != EINTR) {
                        // Done, or it closed its input (EPIPE): either way it gets no more.
                        close(child.stdin)
                        inputOpen = false
                    }
                } else {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let count = read(child.output, &buffer, buffer.count)
                    if count > 0 {
                        if output.count < 8192 { output += buffer[0..<count] }
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        close(child.output)
                        outputOpen = false
                    }
                }
            }
            if input.isEmpty && inputOpen {
                close(child.stdin)
                inputOpen = false
            }
        }
        if inputOpen { close(child.stdin) }
        if outputOpen {
            // What it wrote just before it ended.
            var buffer = [UInt8](repeating: 0, count: 4096)
            while output.count < 8192 {
                let count = read(child.output, &buffer, buffer.count)
                guard count > 0 else { break }
                output += buffer[0..<count]
            }
            close(child.output)
        }

        let status = ended ?? child.wait(until: deadline)
        let printed = Self.oneLine(output)
        switch status {
        case .timedOut:
            throw MailTransportError(
                "sendmail \(path) did not finish within \(timeout.components.seconds) s and was killed"
                    + (printed.isEmpty ? "" : ": \(printed)"), stopsRun: true)
        case .signalled(let signal):
            throw MailTransportError("sendmail \(path) was killed by signal \(signal)" + (printed.isEmpty ? "" : ": \(printed)"))
        case .exited(let code) where code != 0:
            throw MailTransportError("sendmail \(path) exited with status \(code)" + (printed.isEmpty ? "" : ": \(printed)"))
        case .exited:
            if written < input.count {
                throw MailTransportError("sendmail \(path) exited before reading the whole message")
            }
        }
    }

    /// What sendmail printed, as one line of at most 300 characters.
    static func oneLine(_ bytes: [UInt8]) -> String {
        let text = BodyText.singleLine(String(decoding: bytes, as: UTF8.self))
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    /// A spawned sendmail: its pid (also its process group), the write end of its stdin, the read end of its
    /// stdout and stderr (one pipe).
    struct Child {
        let pid: pid_t
        let stdin: Int32
        let output: Int32

        enum Status {
            case exited(Int32)
            case signalled(Int32)
            case timedOut
        }

        static func spawn(path: String, arguments: [String]) throws -> Child {
            var inputPipe: [Int32] = [0, 0]
            var outputPipe: [Int32] = [0, 0]
            guard pipe(&inputPipe) == 0 else {
                throw MailTransportError("cannot create a pipe: \(String(cString: strerror(errno)))")
            }
            guard pipe(&outputPipe) == 0 else {
                close(inputPipe[0]); close(inputPipe[1])
                throw MailTransportError("cannot create a pipe: \(String(cString: strerror(errno)))")
            }
            // Only the ends dup'ed onto 0, 1 and 2 reach sendmail.
            for fd in inputPipe + outputPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
            posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 2)

            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            // Its own process group, so that a timeout kills whatever it started too; default signal handling
            // and an empty mask, whatever this process ignores or blocks (SIGPIPE).
            var defaults = sigset_t()
            sigemptyset(&defaults)
            sigaddset(&defaults, SIGPIPE)
            var mask = sigset_t()
            sigemptyset(&mask)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setsigmask(&attributes, &mask)
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            // The MTA gets this process's environment minus the database's: no PGPASSWORD or connection URL
            // (which may carry a password) reaches sendmail or anything it starts.
            let environment: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment
                .filter { !$0.key.hasPrefix("PG") && $0.key != "PARLEY_DATABASE_URL" }
                .map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { environment.forEach { free($0) } }
            let result = posix_spawn(&pid, path, &actions, &attributes, argv, environment)
            close(inputPipe[0])
            close(outputPipe[1])
            guard result == 0 else {
                close(inputPipe[1])
                close(outputPipe[0])
                throw MailTransportError("cannot run sendmail \(path): \(String(cString: strerror(result)))")
            }
            _ = fcntl(inputPipe[1], F_SETFL, fcntl(inputPipe[1], F_GETFL) | O_NONBLOCK)
            _ = fcntl(outputPipe[0], F_SETFL, fcntl(outputPipe[0], F_GETFL) | O_NONBLOCK)
            return Child(pid: pid, stdin: inputPipe[1], output: outputPipe[0])
        }

        /// The child's status if it has ended (and is now reaped), nil while it runs.
        func reapIfEnded() -> Status? {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Self.decode(status) }
            if result < 0 && errno != EINTR { return .exited(127) }
            return nil
        }

        /// Waits for the child to end until `deadline`; then kills its process group and reaps it.
        func wait(until deadline: ContinuousClock.Instant) -> Status {
            var status: Int32 = 0
            while true {
                if let ended = reapIfEnded() { return ended }
                if ContinuousClock.now >= deadline {
                    kill(-pid, SIGKILL)
                    kill(pid, SIGKILL)
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    return .timedOut
                }
                usleep(10_000)
            }
        }

        private static func decode(_ status: Int32) -> Status {
            let signal = status & 0x7f
            if signal == 0 { return .exited((status >> 8) & 0xff) }
            return .signalled(signal)
        }
    }
}
