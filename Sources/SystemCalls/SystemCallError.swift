#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call that failed: which function, and the `errno` it left.
///
/// `description` reads `pipe() failed: Too many open files (errno 24)`; `reason` is only the middle part, for a
/// message that says itself what was being done (`cannot write /var/mail/x.eml: No space left on device`).
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C function, e.g. `pipe`.
    public let function: String
    /// The error number (`errno`, or what a function of the `posix_spawn` kind returned).
    public let errno: Int32

    public init(function: String, errno: Int32) {
        self.function = function
        self.errno = errno
    }

    /// The call found a non-blocking descriptor not ready (`EAGAIN`): not a failure, try again after `poll`.
    public var wouldBlock: Bool {
        errno == EAGAIN || errno == EWOULDBLOCK
    }

    /// The system's text for `errno` (`strerror`), e.g. `No space left on device`.
    public var reason: String {
        strerror(errno).map { String(cString: $0) } ?? "error \(errno)"
    }

    public var description: String {
        "\(function)() failed: \(reason) (errno \(errno))"
    }
}
