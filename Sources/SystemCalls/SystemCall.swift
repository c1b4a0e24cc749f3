#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calls a POSIX function that returns -1 and sets `errno` when it fails: again while a signal interrupts it
/// (`EINTR`), and throws `SystemCallError` naming `function` when it fails otherwise.
///
/// Every system call of Parley goes through here (or through `systemCall(_:errorNumber:)`), so that none forgets
/// `EINTR` and every failure says which call failed and why. `errno` is read as soon as `body` returns, before
/// anything else can change it. A call whose arguments depend on the time left (`poll`'s timeout) computes them
/// inside `body`, so that a retry waits only for what is left.
///
/// The one exception is the signal handler of `SignalPipe`, which may only make async-signal-safe calls and must
/// not allocate (an error would).
///
/// - Parameters:
///   - function: the C function's name, e.g. `"pipe"`, for the error.
///   - retryingInterrupted: false for `close`, which must not be repeated: on Linux the descriptor is released even
///     when `close` reports `EINTR`, and a retry could close one that another thread has just opened. `EINTR`
///     then counts as success.
/// - Returns: what `body` returned (never -1).
/// - Throws: `SystemCallError` with `function` and `errno`.
@discardableResult
public func systemCall<Result: FixedWidthInteger & SignedInteger>(
    _ function: String, retryingInterrupted: Bool = true, _ body: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = body()
        guard result == -1 else { return result }
        let code = errno
        if code == EINTR {
            if retryingInterrupted { continue }
            return 0
        }
        throw SystemCallError(function: function, errno: code)
    }
}

/// `systemCall` for a read or write on a non-blocking descriptor: nil when the descriptor is not ready (`EAGAIN`),
/// which is no failure — poll() says when to try again.
public func nonBlockingSystemCall<Result: FixedWidthInteger & SignedInteger>(
    _ function: String, _ body: () -> Result
) throws(SystemCallError) -> Result? {
    do {
        return try systemCall(function, body)
    } catch {
        if error.wouldBlock { return nil }
        throw error
    }
}

/// Checks the result of a POSIX function that returns an error number instead of setting `errno`
/// (`posix_spawn`, `pthread_sigmask`, the `posix_spawnattr_*` family): 0 is success.
///
/// - Throws: `SystemCallError` with `function` and the returned number as `errno`.
public func systemCall(_ function: String, errorNumber result: Int32) throws(SystemCallError) {
    if result != 0 {
        throw SystemCallError(function: function, errno: result)
    }
}
