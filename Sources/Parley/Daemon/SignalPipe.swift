import Foundation
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM, SIGINT and SIGHUP into bytes on a pipe (the self-pipe trick), so that the daemon's single
/// `poll()` wakes for a signal as it does for a notification, and handles it outside the signal handler.
public final class SignalPipe {
    /// The signal that arrived, as read from the pipe.
    public enum Event: Sendable, Equatable {
        case stop(signal: Int32)
        case reload
    }

    /// The read end: give it to `Connection.waitForNotifications(alsoWakeOn:)`.
    public let readDescriptor: Int32

    /// - Throws: `SystemCallError` when the pipe or a signal action cannot be set up.
    public init() throws {
        var descriptors: [Int32] = [0, 0]
        try systemCall("pipe") { pipe(&descriptors) }
        for descriptor in descriptors {
            try systemCall("fcntl") { fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
            let flags = try systemCall("fcntl") { fcntl(descriptor, F_GETFL) }
            try systemCall("fcntl") { fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
        }
        readDescriptor = descriptors[0]
        signalPipeWriteDescriptor = descriptors[1]
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signalNumber in
                // Only async-signal-safe calls here, and no allocation: one write of one byte, errno kept. This is
                // the one system call that does not go through systemCall (whose error would allocate); a full
                // pipe (EAGAIN) loses a repeated signal, which the bytes already waiting stand for.
                var byte = UInt8(truncatingIfNeeded: signalNumber)
                let saved = errno
                _ = write(signalPipeWriteDescriptor, &byte, 1)
                errno = saved
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            try systemCall("sigaction") { sigaction(signalNumber, &action, nil) }
        }
        // A parent may hand us a mask that blocks these signals (Foundation's Process does): unblock them, or
        // SIGTERM would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&unblock, signalNumber) }
        try systemCall("pthread_sigmask", errorNumber: pthread_sigmask(SIG_UNBLOCK, &unblock, nil))
        // A broken pipe to sendmail or the notify socket must be an error return, not death.
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigemptyset(&ignore.sa_mask)
        try systemCall("sigaction") { sigaction(SIGPIPE, &ignore, nil) }
    }

    /// The signals received since the last call, oldest first; empty when none.
    ///
    /// - Throws: `SystemCallError` when the pipe cannot be read (it is this process's own: a bug).
    public func drain() throws -> [Event] {
        var events: [Event] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while let count = try nonBlockingSystemCall("read", { read(readDescriptor, &buffer, buffer.count) }), count > 0 {
            for byte in buffer[0..<count] {
                events.append(Int32(byte) == SIGHUP ? .reload : .stop(signal: Int32(byte)))
            }
        }
        return events
    }
}

/// The write end, reachable from the C signal handler (which cannot capture context).
nonisolated(unsafe) private var signalPipeWriteDescriptor: Int32 = -1
