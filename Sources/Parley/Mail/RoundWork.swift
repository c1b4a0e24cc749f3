import Foundation

/// The concurrent parts of a mailer round: rendering its digests across the cores, and handing them over several at
/// once. A database connection is used by the calling thread only, before and after.
enum RoundWork {
    /// `transform` of each item, in order, worked out by a task group across the cores (structured concurrency: every
    /// child task has ended when it returns).
    ///
    /// The calling thread waits for the group and must not be one of Swift's cooperative pool (it is the thread
    /// that reads the round: `RoundPrefetcher`'s, or the main thread of `parley alerts send`); the work itself never
    /// blocks.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ transform: @escaping @Sendable (Item) -> Result
    ) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count > 1, cores > 1 else { return items.map(transform) }
        // A few chunks per core: enough to even out digests of different sizes, few enough to cost nothing.
        let chunkSize = max(1, (items.count + cores * 4 - 1) / (cores * 4))
        let results = ResultSlots<Result>(count: items.count)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await withTaskGroup(of: [(Int, Result)].self) { group in
                for start in stride(from: 0, to: items.count, by: chunkSize) {
                    let range = start..<min(start + chunkSize, items.count)
                    group.addTask { range.map { ($0, transform(items[$0])) } }
                }
                for await chunk in group {
                    for (index, result) in chunk { results.set(index, result) }
                }
            }
            done.signal()
        }
        done.wait()
        return results.values()
    }

    /// What became of one hand-over.
    enum Outcome: Sendable {
        /// Accepted (for a transport that accepts in rounds: written, to be flushed).
        case accepted
        /// Not accepted: the attempt failed.
        case failed(MailTransportError)
        /// Never started: the run stopped sending first (the reason is given once, by `handOver`).
        case notStarted
    }

    /// Hands `count` messages over with `send`, at most `width` at once, each on a thread of its own (a hand-over
    /// blocks: on a sendmail process, on fsync).
    ///
    /// The first hand-over of a run, and the first after a failure, goes alone: a sendmail that hangs or refuses
    /// everything costs one attempt, not `width`. After `failuresBeforeStopping` failures in a row, or one that
    /// `stopsRun`, or once `mayStart` gives a reason, nothing more starts.
    ///
    /// - Returns: each message's outcome, and why the run stopped sending (nil when it did not).
    static func handOver(
        count: Int, width: Int, failuresBeforeStopping: Int,
        mayStart: @escaping @Sendable () -> String?, send: @escaping @Sendable (Int) -> Outcome
    ) -> (outcomes: [Outcome], stopReason: String?) {
        let state = HandoverState(count: count, width: max(1, width), failuresBeforeStopping: failuresBeforeStopping)
        let threads = min(max(1, width), count)
        guard threads > 0 else { return ([], nil) }
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            let thread = Thread {
                state.work(mayStart: mayStart, send: send)
                group.leave()
            }
            // sendmail's pipes and poll need little stack.
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return state.result()
    }
}

/// Slots for results written by several tasks, read once all have ended.
private final class ResultSlots<Result>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func values() -> [Result] {
        lock.lock()
        defer { lock.unlock() }
        // Read once every task has ended, so each slot is set; one that is not is a broken promise of the caller,
        // and going on would pair a digest with another's result.
        return slots.enumerated().map { index, slot in
            guard let slot else { preconditionFailure("result \(index) of \(slots.count) was never set") }
            return slot
        }
    }
}

/// The shared state of a round's hand-over threads; everything is guarded by `condition`.
private final class HandoverState: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private let width: Int
    private let failuresBeforeStopping: Int
    private var next = 0
    private var running = 0
    private var acceptedSinceFailure = false
    private var consecutiveFailures = 0
    private var stopReason: String?
    private var outcomes: [RoundWork.Outcome]

    init(count: Int, width: Int, failuresBeforeStopping: Int) {
        self.count = count
        self.width = width
        self.failuresBeforeStopping = failuresBeforeStopping
        outcomes = Array(repeating: .notStarted, count: count)
    }

    /// As many at once as the last outcome allows: one until something was accepted (again), then `width`.
    private var allowed: Int { acceptedSinceFailure ? width : 1 }

    func work(mayStart: @Sendable () -> String?, send: @Sendable (Int) -> RoundWork.Outcome) {
        while true {
            condition.lock()
            while stopReason == nil && next < count && running >= allowed { condition.wait() }
            guard stopReason == nil, next < count else {
                condition.broadcast()
                condition.unlock()
                return
            }
            if let reason = mayStart() {
                stopReason = reason
                condition.broadcast()
                condition.unlock()
                return
            }
            let index = next
            next += 1
            running += 1
            condition.unlock()

            let outcome = send(index)

            condition.lock()
            running -= 1
            outcomes[index] = outcome
            switch outcome {
            case .accepted:
                consecutiveFailures = 0
                acceptedSinceFailure = true
            case .failed(let error):
                consecutiveFailures += 1
                acceptedSinceFailure = false
                if stopReason == nil && (error.stopsRun || consecutiveFailures >= failuresBeforeStopping) {
                    stopReason = "not attempted: sending stopped after: \(error.description)"
                }
            case .notStarted:
                break
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    func result() -> ([RoundWork.Outcome], String?) {
        condition.lock()
        defer { condition.unlock() }
        return (outcomes, stopReason)
    }
}
