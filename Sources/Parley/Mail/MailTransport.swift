/// Where rendered digests go: sendmail, a directory of `.eml` files, or standard output.
///
/// The mailer hands a round's digests over from several threads at once: `send` must allow that.
public protocol MailTransport: Sendable {
    /// Hands `message` over for delivery.
    ///
    /// - Throws: `MailTransportError` when it was not accepted (the attempt failed and is retried later).
    func send(_ message: MailMessage) throws

    /// Checks, before anything is claimed, that the transport can work at all.
    ///
    /// - Throws: `MailerError` (sendmail missing: exit 69; directory not writable: exit 73).
    func checkUsable() throws

    /// Whether messages handed to `send` are accepted only once `flush()` returns (a directory). The mailer hands
    /// over a round's digests, flushes once and marks the round sent in one transaction. For sendmail (false) each
    /// message is accepted when `send` returns; the round is marked in one transaction too, after the last.
    var acceptsInRounds: Bool { get }

    /// Makes every message handed to `send` since the last flush durable (only when `acceptsInRounds`).
    ///
    /// - Throws: `MailTransportError`: none of those messages was accepted.
    func flush() throws
}

extension MailTransport {
    public var acceptsInRounds: Bool { false }
    public func flush() throws {}
}

/// A message that was not accepted: the attempt counts as failed.
public struct MailTransportError: Error, CustomStringConvertible, Sendable {
    /// One line: what happened (`sendmail exited with status 75: …`, `sendmail timed out after 60 s`).
    public var description: String
    /// The transport cannot be expected to work for the next message either (it hung): the run stops trying.
    public var stopsRun: Bool

    public init(_ description: String, stopsRun: Bool = false) {
        self.description = description
        self.stopsRun = stopsRun
    }
}
