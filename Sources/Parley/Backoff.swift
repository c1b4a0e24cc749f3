/// Capped, jittered exponential backoff for reconnecting: 0.5 s, 1 s, 2 s, … up to `cap`, each delay drawn
/// between half and all of its step ("equal jitter"), so that several daemons do not reconnect in lockstep.
public struct Backoff: Sendable {
    public let initial: Duration
    public let cap: Duration
    private var attempt = 0

    public init(initial: Duration = .milliseconds(500), cap: Duration = .seconds(30)) {
        self.initial = initial
        self.cap = cap
    }

    /// The delay before the next attempt.
    public mutating func nextDelay() -> Duration {
        let step = min(cap, initial * (1 << min(attempt, 20)))
        attempt += 1
        let half = step / 2
        return half + half * Double.random(in: 0...1)
    }

    /// Back to the first step, after a success.
    public mutating func reset() {
        attempt = 0
    }
}
