import Foundation

/// Runs `body` on `count` threads of their own at once and returns their results in index order.
///
/// Real threads, not Swift tasks: the bodies block in libpq (and may wait on each other's locks), which must never
/// happen on the cooperative thread pool.
public func concurrently<Result: Sendable>(
    _ count: Int, _ body: @escaping @Sendable (Int) throws -> Result
) throws -> [Result] {
    let results = ResultBox<Result>(count: count)
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            results.set(index, Swift.Result { try body(index) })
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return try results.values().map { try $0.get() }
}

final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Swift.Result<Value, any Error>?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Swift.Result<Value, any Error>) {
        lock.lock(); defer { lock.unlock() }
        storage[index] = value
    }

    func values() -> [Swift.Result<Value, any Error>] {
        lock.lock(); defer { lock.unlock() }
        return storage.map { $0! }
    }
}
