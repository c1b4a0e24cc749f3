import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for systemd's notify socket: a Unix datagram socket the test reads sd_notify messages from.
public final class NotifySocket: @unchecked Sendable {
    /// The path to pass as `NOTIFY_SOCKET`.
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard descriptor >= 0, result == 0 else {
            throw ProgramRun.Failure(description: "cannot bind a notify socket at \(path)")
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Every message received so far (one datagram each), reading what is waiting first.
    public var messages: [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { break }
            lock.lock()
            received.append(String(decoding: buffer[0..<count], as: UTF8.self))
            lock.unlock()
        }
        lock.lock(); defer { lock.unlock() }
        return received
    }

    /// Waits until a message contains `text`.
    public func waitFor(_ text: String, timeout: Duration = .seconds(10)) -> Bool {
        poll(timeout: timeout) { self.messages.contains { $0.contains(text) } }
    }
}
