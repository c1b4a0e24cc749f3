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
            if let since = runningSince, ContinuousClock.now - since < limit,
               ContinuousClock.now - since >= interval {
                notifier.notify("WATCHDOG=1")
            }
        }
    }
}
