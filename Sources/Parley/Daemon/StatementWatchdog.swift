import Foundation

/// Keeps systemd's watchdog satisfied while parleyd waits for one long statement (a full plan of a large
/// database), when its loop cannot ping.
///
/// Pings only while a statement is running and for at most `limit` (the session's statement_timeout and a margin),
/// so a daemon truly stuck beyond that is still restarted by the watchdog.
final class StatementWatchdog: @unchecked Sendable {
    private let notifier: SystemdNotifier
    private let interval: Duration
    private let limit: Duration
    private let condition = NSCondition()
    private var runningSince: ContinuousClock.Instant?

    init(notifier: SystemdNotifier, interval: Duration, limit: Duration) {
        self.notifier = notifier
        self.interval = interval
        self.limit = limit
        let thread = Thread { [unowned self] in self.watch() }
        thread.name = "parleyd-statement-watchdog"
        thread.start()
    }

    /// A statement starts.
    func begin() {
        condition.lock()
        runningSince = ContinuousClock.now
        condition.signal()
        condition.unlock()
    }

    /// The statement ended.
    func end() {
        condition.lock()
        runningSince = nil
        condition.unlock()
    }

    private func watch() {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        condition.lock()
        while true {
            // Sleep until a statement runs, then ping every interval while it does.
            while runningSince == nil { condition.wait() }
            _ = condition.wait(until: Date().addingTimeInterval(seconds))
            if Self.pingDue(runningFor: runningSince.map { ContinuousClock.now - $0 }, interval: interval, limit: limit) {
                notifier.notify("WATCHDOG=1")
            }
        }
    }

    /// Whether to ping now, for a statement that has run this long (nil: none runs).
    ///
    /// Not in the statement's first interval (the loop pinged just before sending it); then at every wake-up of
    /// the watch, one interval apart, while it runs; never once it has run `limit`: a daemon stuck beyond the
    /// statement timeout is left to the watchdog, which restarts it.
    static func pingDue(runningFor: Duration?, interval: Duration, limit: Duration) -> Bool {
        guard let runningFor else { return false }
        return runningFor >= interval && runningFor < limit
    }
}
