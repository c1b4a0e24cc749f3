import CLibPQ
import Foundation
import SystemCalls

extension Connection {
    /// Starts listening to `channel` (`LISTEN`), the name quoted with `PQescapeIdentifier`, so any name works
    /// (`Parley Changes` included). Takes effect when the current transaction, if any, commits.
    ///
    /// - Throws: like `query(_:_:)`.
    public func listen(_ channel: String) throws {
        try executeSimple("LISTEN \(escapeIdentifier(channel))")
    }

    /// Stops listening to `channel` (`UNLISTEN`).
    ///
    /// - Throws: like `query(_:_:)`.
    public func unlisten(_ channel: String) throws {
        try executeSimple("UNLISTEN \(escapeIdentifier(channel))")
    }

    /// Stops listening to all channels (`UNLISTEN *`).
    ///
    /// - Throws: like `query(_:_:)`.
    public func unlistenAll() throws {
        try executeSimple("UNLISTEN *")
    }

    /// Sends a notification (`select pg_notify($1, $2)`), delivered to listeners when the current transaction, if
    /// any, commits; the same channel and payload within one transaction are delivered once.
    ///
    /// - Parameters:
    ///   - channel: the channel name, unquoted.
    ///   - payload: at most 7999 bytes (PostgreSQL's limit; longer throws `.server` 22023 invalid_parameter_value).
    /// - Throws: like `query(_:_:)`.
    public func notify(_ channel: String, payload: String = "") throws {
        try query("select pg_notify($1, $2)", [channel, payload])
    }

    /// Waits for notifications on the channels this connection listens to, or until `alsoWakeOn` becomes readable,
    /// or until `timeout` passes — whichever comes first — sleeping in `poll()`, not spinning.
    ///
    /// Notifications already received (e.g. during the last query) are returned at once, without waiting.
    ///
    /// - Parameters:
    ///   - timeout: how long to wait at most; nil waits until something happens. Rounded up to milliseconds.
    ///   - alsoWakeOn: one more file descriptor to watch for reading, such as the read end of a signal self-pipe.
    ///     The wait does not read from it.
    /// - Returns: the notifications received and whether `alsoWakeOn` is readable; both empty/false on timeout.
    /// - Throws: `.connectionLost` when the connection broke — the backend was terminated (SQLSTATE 57P01), the
    ///   server shut down; `.client` when `poll()` fails; `.usage` for a closed connection or an invalid
    ///   `alsoWakeOn`.
    public func waitForNotifications(timeout: Duration?, alsoWakeOn fileDescriptor: Int32? = nil) throws -> PQWakeup {
        var notifications = try receivedNotifications()
        if !notifications.isEmpty {
            return PQWakeup(notifications: notifications, fileDescriptorReadable: false)
        }
        let socket = try libpq("PQsocket", { PQsocket($0) }, failedIf: { $0 < 0 })
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
        if let fileDescriptor {
            descriptors.append(pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0))
        }

        while true {
            let ready = try sleepInPoll(&descriptors, until: deadline)
            guard ready else { return PQWakeup(notifications: [], fileDescriptorReadable: false) }
            if descriptors[0].revents & Int16(POLLNVAL) != 0 {
                throw PQError.usage("the connection's socket is not open")
            }
            var fileDescriptorReadable = false
            if descriptors.count > 1 {
                if descriptors[1].revents & Int16(POLLNVAL) != 0 {
                    throw PQError.usage("the file descriptor \(descriptors[1].fd) to also wake on is not open")
                }
                fileDescriptorReadable = descriptors[1].revents != 0
            }
            if descriptors[0].revents != 0 {
                _ = try libpq("PQconsumeInput", { PQconsumeInput($0) }, failedIf: { $0 == 0 })
                // A broken connection has no socket to poll any more: report it now rather than sleep forever.
                _ = try libpq("PQstatus", { PQstatus($0) }, failedIf: { $0 == CONNECTION_BAD })
                notifications = try receivedNotifications()
            }
            if !notifications.isEmpty || fileDescriptorReadable {
                return PQWakeup(notifications: notifications, fileDescriptorReadable: fileDescriptorReadable)
            }
        }
    }

    /// Takes the notifications libpq has already read off the connection (`PQnotifies`), freeing each.
    private func receivedNotifications() throws -> [PQNotification] {
        var notifications: [PQNotification] = []
        while let notify = try libpq("PQnotifies", { PQnotifies($0) }, failedIf: { _ in false }) {
            defer { PQfreemem(notify) }
            notifications.append(PQNotification(
                channel: String(cString: notify.pointee.relname),
                payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                senderPID: notify.pointee.be_pid))
        }
        return notifications
    }

    /// `poll()`s `descriptors` until one is ready (true) or `deadline` passes (false); an interrupted poll is
    /// repeated with the time that is left.
    private func sleepInPoll(_ descriptors: inout [pollfd], until deadline: ContinuousClock.Instant?) throws -> Bool {
        while true {
            for index in descriptors.indices { descriptors[index].revents = 0 }
            let count: Int32
            do {
                count = try descriptors.withUnsafeMutableBufferPointer { buffer in
                    try systemCall("poll") { poll(buffer.baseAddress, nfds_t(buffer.count), Self.pollTimeout(until: deadline)) }
                }
            } catch let error as SystemCallError {
                var failure = PQError(kind: .client, message: error.description)
                failure.libpqFunction = "poll"
                failure.underlying = error
                throw failure
            }
            if count > 0 { return true }
            if let deadline, ContinuousClock.now >= deadline { return false }
        }
    }

    /// `poll`'s timeout in milliseconds for what is left until `deadline` (-1: none), rounded up so that the wait
    /// never ends before the deadline; a passed deadline still polls once.
    private static func pollTimeout(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = ContinuousClock.now.duration(to: deadline)
        let (seconds, attoseconds) = left.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return left > .zero ? Int32(clamping: total) : 0
    }
}
