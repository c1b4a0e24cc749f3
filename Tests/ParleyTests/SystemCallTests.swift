import Foundation
import SystemCalls
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The one wrapper of every POSIX call: a signal never fails a call (EINTR is retried), and a failure says which call
/// failed and why — the message an operator reads in the journal or from cron.
@Suite struct SystemCallTests {
    @Test func anInterruptedCallIsRepeatedUntilItAnswers() throws {
        var attempts = 0
        let result = try systemCall("read") { () -> Int in
            attempts += 1
            if attempts < 3 {
                errno = EINTR
                return -1
            }
            return 42
        }
        #expect(result == 42)
        #expect(attempts == 3)
    }

    @Test func anInterruptedCloseIsNotRepeated() throws {
        // Linux has released the descriptor already: a second close could close another thread's new one.
        var attempts = 0
        try systemCall("close", retryingInterrupted: false) { () -> Int32 in
            attempts += 1
            errno = EINTR
            return -1
        }
        #expect(attempts == 1)
    }

    @Test func aFailureNamesTheFunctionAndTheSystemsReason() {
        #expect(throws: SystemCallError(function: "close", errno: EBADF)) {
            try systemCall("close", retryingInterrupted: false) { close(-1) }
        }
        let error = SystemCallError(function: "close", errno: EBADF)
        #expect(error.description == "close() failed: Bad file descriptor (errno 9)")
        #expect(error.reason == "Bad file descriptor")
    }

    @Test func aNonBlockingReadThatFindsNothingIsNoFailure() throws {
        var descriptors: [Int32] = [0, 0]
        try systemCall("pipe") { pipe(&descriptors) }
        defer { descriptors.forEach { close($0) } }
        let flags = try systemCall("fcntl") { fcntl(descriptors[0], F_GETFL) }
        try systemCall("fcntl") { fcntl(descriptors[0], F_SETFL, flags | O_NONBLOCK) }
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(try nonBlockingSystemCall("read") { read(descriptors[0], &buffer, buffer.count) } == nil)

        var byte: UInt8 = 7
        try systemCall("write") { write(descriptors[1], &byte, 1) }
        #expect(try nonBlockingSystemCall("read") { read(descriptors[0], &buffer, buffer.count) } == 1)
        #expect(buffer[0] == 7)
    }

    @Test func aFunctionThatReturnsItsErrorNumberIsCheckedToo() {
        #expect(throws: SystemCallError(function: "posix_spawn", errno: ENOENT)) {
            try systemCall("posix_spawn", errorNumber: ENOENT)
        }
    }
}
