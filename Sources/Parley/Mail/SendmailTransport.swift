import Foundation
import SystemCalls

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
        guard (try? systemCall("stat") { stat(path, &status) }) != nil else {
            throw MailerError.sendmailUnavailable(path: path, problem: "does not exist")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR, (try? systemCall("access") { access(path, X_OK) }) != nil else {
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
        do {
            try systemCall("pthread_sigmask", errorNumber: pthread_sigmask(SIG_BLOCK, &sigpipe, &previousMask))
        } catch {
            throw MailTransportError("cannot run sendmail \(path): \(error)")
        }
        defer {
            var pending = sigset_t()
            _ = try? systemCall("sigpending") { sigpending(&pending) }
            if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previousMask, SIGPIPE) == 0 {
                var immediately = timespec(tv_sec: 0, tv_nsec: 0)
                // Taken off the pending set; EAGAIN (already gone) is as good.
                _ = try? systemCall("sigtimedwait") { sigtimedwait(&sigpipe, nil, &immediately) }
            }
            _ = try? systemCall("pthread_sigmask", errorNumber: pthread_sigmask(SIG_SETMASK, &previousMask, nil))
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
            guard (try? systemCall("poll") { poll(&fds, nfds_t(fds.count), min(milliseconds, inputOpen ? 1000 : 50)) }) != nil
            else { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == child.stdin {
                    do {
                        let count = try input.withUnsafeBytes { raw throws(SystemCallError) -> Int? in
                            guard let start = raw.baseAddress else { return 0 }
                            return try nonBlockingSystemCall("write") {
                                write(child.stdin, start + written, min(raw.count - written, 65536))
                            }
                        }
                        written += count ?? 0
                        if written == input.count { closeInput(child, &inputOpen) }
                    } catch {
                        // It closed its input (EPIPE): it gets no more.
                        closeInput(child, &inputOpen)
                    }
                } else {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    do {
                        guard let count = try nonBlockingSystemCall("read", { read(child.output, &buffer, buffer.count) })
                        else { continue }
                        if count > 0 {
                            if output.count < 8192 { output += buffer[0..<count] }
                        } else {
                            Self.close(child.output)
                            outputOpen = false
                        }
                    } catch {
                        Self.close(child.output)
                        outputOpen = false
                    }
                }
            }
            if input.isEmpty && inputOpen { closeInput(child, &inputOpen) }
        }
        if inputOpen { closeInput(child, &inputOpen) }
        if outputOpen {
            // What it wrote just before it ended.
            var buffer = [UInt8](repeating: 0, count: 4096)
            while output.count < 8192 {
                guard let count = try? systemCall("read", { read(child.output, &buffer, buffer.count) }), count > 0 else { break }
                output += buffer[0..<count]
            }
            Self.close(child.output)
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

    private func closeInput(_ child: Child, _ inputOpen: inout Bool) {
        Self.close(child.stdin)
        inputOpen = false
    }

    /// Closes a pipe end; nothing is left to do when that fails.
    static func close(_ descriptor: Int32) {
        _ = try? systemCall("close", retryingInterrupted: false) { Glibc.close(descriptor) }
    }

    /// What sendmail printed, as one line of at most 300 characters.
    static func oneLine(_ bytes: [UInt8]) -> String {
        let text = BodyText.singleLine(String(decoding: bytes, as: UTF8.self))
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    /// A spawned sendmail: its pid (also its process group), the write end of its stdin, the read end of its
    /// stdout and stderr (one pipe).
    struct Child {
        /// Held from creating a child's pipes until it is spawned (see `spawnChild`).
        private static let spawning = NSLock()

        let pid: pid_t
        let stdin: Int32
        let output: Int32

        enum Status {
            case exited(Int32)
            case signalled(Int32)
            case timedOut
        }

        static func spawn(path: String, arguments: [String]) throws -> Child {
            do {
                return try spawnChild(path: path, arguments: arguments)
            } catch {
                throw MailTransportError("cannot run sendmail \(path): \(error)")
            }
        }

        private static func spawnChild(path: String, arguments: [String]) throws(SystemCallError) -> Child {
            var inputPipe: [Int32] = [0, 0]
            var outputPipe: [Int32] = [0, 0]
            // Several digests are handed over at once: a pipe end that leaked into another thread's sendmail would
            // keep this one's input open, so that neither ever ends. Creating the pipes, making them close-on-exec
            // and spawning is therefore one step at a time in this process.
            spawning.lock()
            defer { spawning.unlock() }
            try systemCall("pipe") { pipe(&inputPipe) }
            do {
                try systemCall("pipe") { pipe(&outputPipe) }
            } catch {
                inputPipe.forEach(SendmailTransport.close)
                throw error
            }
            var spawned: pid_t = 0
            do {
                // Only the ends dup'ed onto 0, 1 and 2 reach sendmail.
                for fd in inputPipe + outputPipe { try systemCall("fcntl") { fcntl(fd, F_SETFD, FD_CLOEXEC) } }
                spawned = try start(path: path, arguments: arguments, stdin: inputPipe[0], output: outputPipe[1])
            } catch {
                (inputPipe + outputPipe).forEach(SendmailTransport.close)
                throw error
            }
            SendmailTransport.close(inputPipe[0])
            SendmailTransport.close(outputPipe[1])
            let child = Child(pid: spawned, stdin: inputPipe[1], output: outputPipe[0])
            do {
                for fd in [child.stdin, child.output] {
                    let flags = try systemCall("fcntl") { fcntl(fd, F_GETFL) }
                    try systemCall("fcntl") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
                }
            } catch {
                // Without non-blocking pipes the deadline could not be kept: end it now.
                SendmailTransport.close(child.stdin)
                SendmailTransport.close(child.output)
                _ = child.kill()
                throw error
            }
            return child
        }

        /// posix_spawn with `stdin` as its standard input and `output` as its standard output and error.
        private static func start(path: String, arguments: [String], stdin: Int32, output: Int32) throws(SystemCallError) -> pid_t {
            var actions = posix_spawn_file_actions_t()
            try systemCall("posix_spawn_file_actions_init", errorNumber: posix_spawn_file_actions_init(&actions))
            defer { posix_spawn_file_actions_destroy(&actions) }
            try systemCall("posix_spawn_file_actions_adddup2", errorNumber: posix_spawn_file_actions_adddup2(&actions, stdin, 0))
            try systemCall("posix_spawn_file_actions_adddup2", errorNumber: posix_spawn_file_actions_adddup2(&actions, output, 1))
            try systemCall("posix_spawn_file_actions_adddup2", errorNumber: posix_spawn_file_actions_adddup2(&actions, output, 2))

            var attributes = posix_spawnattr_t()
            try systemCall("posix_spawnattr_init", errorNumber: posix_spawnattr_init(&attributes))
            defer { posix_spawnattr_destroy(&attributes) }
            // Its own process group, so that a timeout kills whatever it started too; default signal handling
            // and an empty mask, whatever this process ignores or blocks (SIGPIPE).
            var defaults = sigset_t()
            sigemptyset(&defaults)
            sigaddset(&defaults, SIGPIPE)
            var mask = sigset_t()
            sigemptyset(&mask)
            try systemCall("posix_spawnattr_setsigdefault", errorNumber: posix_spawnattr_setsigdefault(&attributes, &defaults))
            try systemCall("posix_spawnattr_setsigmask", errorNumber: posix_spawnattr_setsigmask(&attributes, &mask))
            try systemCall("posix_spawnattr_setpgroup", errorNumber: posix_spawnattr_setpgroup(&attributes, 0))
            try systemCall("posix_spawnattr_setflags", errorNumber: posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)))

            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            // The MTA gets this process's environment minus the database's: no PGPASSWORD or connection URL
            // (which may carry a password) reaches sendmail or anything it starts.
            let environment: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment
                .filter { !$0.key.hasPrefix("PG") && $0.key != "PARLEY_DATABASE_URL" }
                .map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { environment.forEach { free($0) } }
            try systemCall("posix_spawn", errorNumber: posix_spawn(&pid, path, &actions, &attributes, argv, environment))
            return pid
        }

        /// The child's status if it has ended (and is now reaped), nil while it runs.
        func reapIfEnded() -> Status? {
            var status: Int32 = 0
            do {
                let result = try systemCall("waitpid") { waitpid(pid, &status, WNOHANG) }
                return result == pid ? Self.decode(status) : nil
            } catch {
                // Not our child any more (ECHILD): nothing to wait for.
                return .exited(127)
            }
        }

        /// Waits for the child to end until `deadline`; then kills its process group and reaps it.
        func wait(until deadline: ContinuousClock.Instant) -> Status {
            while true {
                if let ended = reapIfEnded() { return ended }
                if ContinuousClock.now >= deadline {
                    _ = kill()
                    return .timedOut
                }
                usleep(10_000)
            }
        }

        /// Kills the child's process group (what it started too) and reaps it.
        func kill() -> Int32 {
            _ = try? systemCall("kill") { Glibc.kill(-pid, SIGKILL) }
            _ = try? systemCall("kill") { Glibc.kill(pid, SIGKILL) }
            var status: Int32 = 0
            _ = try? systemCall("waitpid") { waitpid(pid, &status, 0) }
            return status
        }

        private static func decode(_ status: Int32) -> Status {
            let signal = status & 0x7f
            if signal == 0 { return .exited((status >> 8) & 0xff) }
            return .signalled(signal)
        }
    }
}
