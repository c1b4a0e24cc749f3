/// Capped, jittered exponential backoff for reconnecting: 0.5 s, 1 s, 2 s, … up to `cap`, each delay drawn
/// between half and all of its step ("equal jitter"), so that several daemons do not reconnect in lockstep.
///
/// The jitter comes from a generator seeded at creation: parleyd seeds it at random, a test with a number of its
/// choosing, and then knows every delay.
public struct Backoff: Sendable {
    public let initial: Duration
    /// The longest step; a reload may change it (`PARLEY_RECONNECT_MAX_SECONDS`).
    public var cap: Duration
    private var attempt = 0
    private var jitter: SplitMix64

    /// - Parameter seed: the jitter generator's seed.
    public init(initial: Duration = .milliseconds(500), cap: Duration = .seconds(30), seed: UInt64) {
        self.initial = initial
        self.cap = cap
        self.jitter = SplitMix64(seed: seed)
    }

    /// The delay before the next attempt.
    public mutating func nextDelay() -> Duration {
        let step = min(cap, initial * (1 << min(attempt, 20)))
        attempt += 1
        let half = step / 2
        return half + half * Double.random(in: 0...1, using: &jitter)
    }

    /// Back to the first step, after a success.
    public mutating func reset() {
        attempt = 0
    }
}
