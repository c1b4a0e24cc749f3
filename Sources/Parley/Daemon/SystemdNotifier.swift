import Foundation
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: one datagram to the socket in `$NOTIFY_SOCKET` per message.
///
/// A path starting with `@` is an abstract socket (the `@` stands for a leading NUL byte). Without
/// `$NOTIFY_SOCKET` (not run by systemd with `Type=notify`) every call does nothing.
public struct SystemdNotifier: Sendable {
    private let socketPath: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether a service manager listens.
    public var isEnabled: Bool { socketPath != nil }

    /// How often systemd expects `WATCHDOG=1`: half of `$WATCHDOG_USEC` (as sd_watchdog_enabled(3) advises), or
    /// nil when no watchdog is set or it is meant for another process (`$WATCHDOG_PID`).
    public static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], let expected = Int32(pid), expected != getpid() { return nil }
        return .microseconds(microseconds / 2)
    }

    /// Sends `state`, e.g. `READY=1`, `STATUS=leader, 3 alerts pending`, `WATCHDOG=1`.
    ///
    /// Failures are ignored on purpose: a service manager that went away must not stop the daemon.
    public func notify(_ state: String) {
        try? send(state)
    }

    private func send(_ state: String) throws {
        guard let socketPath else { return }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let message = Array(state.utf8)

        let fd = try systemCall("socket") {
            socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        defer { _ = try? systemCall("close", retryingInterrupted: false) { close(fd) } }
        _ = try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                try message.withUnsafeBytes { bytes in
                    try systemCall("sendto") {
                        sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                    }
                }
            }
        }
    }

    /// `MONOTONIC_USEC=` with CLOCK_MONOTONIC now, which `RELOADING=1` must carry (systemd 253+).
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        // CLOCK_MONOTONIC always exists on Linux: a failure would leave 0, which systemd ignores.
        _ = try? systemCall("clock_gettime") { clock_gettime(CLOCK_MONOTONIC, &now) }
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
