/// Wall-clock time of a piece of work, on the monotonic clock.
struct Stopwatch {
    private let started = ContinuousClock.now

    /// Seconds since the stopwatch was made.
    var seconds: Double {
        Self.seconds(ContinuousClock.now - started)
    }

    /// Milliseconds since the stopwatch was made.
    var milliseconds: Double { seconds * 1000 }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Runs `work` and returns its result with the seconds it took.
    static func time<T>(_ work: () throws -> T) rethrows -> (T, Double) {
        let watch = Stopwatch()
        let result = try work()
        return (result, watch.seconds)
    }
}
