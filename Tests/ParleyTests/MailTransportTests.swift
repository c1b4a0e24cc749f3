import Foundation
import Testing
@testable import Parley

/// The transports, with small shell scripts standing in for sendmail.
@Suite struct MailTransportTests {
    static let message = MailMessage(
        from: MailAddress(displayName: "Parley", address: "parley@mfa.example")!,
        to: [MailAddress(displayName: "Olena", address: "olena@mfa.example")!],
        subject: "[Parley] 1 overdue — Київ", date: Date(timeIntervalSince1970: 1_748_340_000),
        messageID: "<parley.0123456789abcdef@mfa.example>",
        body: String(repeating: "A long digest line to fill the pipe beyond its buffer. ", count: 3_000))

    /// A directory of its own with an executable `sendmail` script whose body is `script`.
    @discardableResult
    static func withScript<T>(_ script: String, _ body: (URL, URL) throws -> T) throws -> T {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("parley-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sendmail")
        try ("#!/bin/sh\n" + script + "\n").write(to: path, atomically: true, encoding: .utf8)
        chmod(path.path, 0o755)
        return try body(path, directory)
    }

    @Test func sendmailGetsTheWholeMessageWithDashTAndDashOi() throws {
        try Self.withScript("printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"; cat > \"$(dirname \"$0\")/input\"") { path, directory in
            try SendmailTransport(path: path.path, timeout: .seconds(10)).send(Self.message)
            let args = try String(contentsOf: directory.appendingPathComponent("args"), encoding: .utf8)
            #expect(args == "-t\n-oi\n")
            let input = try Data(contentsOf: directory.appendingPathComponent("input"))
            #expect(input == Self.message.rendered(lineEnding: .lf))
            #expect(input.count > 65_536)
        }
    }

    @Test func aNonZeroExitFailsTheAttemptWithWhatSendmailSaid() throws {
        try Self.withScript("cat > /dev/null; echo 'relay.mfa.example: 451 try later' >&2; exit 75") { path, _ in
            #expect {
                try SendmailTransport(path: path.path, timeout: .seconds(10)).send(Self.message)
            } throws: { error in
                let description = (error as? MailTransportError)?.description ?? ""
                return description.contains("exited with status 75") && description.contains("451 try later")
            }
        }
    }

    @Test func aSignalFailsTheAttempt() throws {
        try Self.withScript("kill -s KILL $$") { path, _ in
            #expect {
                try SendmailTransport(path: path.path, timeout: .seconds(10)).send(Self.message)
            } throws: { error in
                (error as? MailTransportError)?.description.contains("killed by signal 9") ?? false
            }
        }
    }

    @Test func aHangingSendmailIsKilledWithWhatItStarted() throws {
        try Self.withScript("sleep 30 & echo $! > \"$(dirname \"$0\")/child\"; cat > /dev/null; wait") { path, directory in
            let started = ContinuousClock.now
            #expect {
                try SendmailTransport(path: path.path, timeout: .seconds(1)).send(Self.message)
            } throws: { error in
                guard let error = error as? MailTransportError else { return false }
                return error.stopsRun && error.description.contains("did not finish within 1 s")
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            let child = try String(contentsOf: directory.appendingPathComponent("child"), encoding: .utf8)
            let pid = try #require(pid_t(child.trimmingCharacters(in: .whitespacesAndNewlines)))
            usleep(200_000)
            // Gone, or a zombie waiting for a parent that does not reap (PID 1 in some containers).
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?
                .split(separator: ")").last?.split(separator: " ").first
            #expect(state == nil || state == "Z", "the sleep that sendmail started should be killed")
        }
    }

    @Test func aSendmailThatDoesNotReadIsTimedOutNotWaitedFor() throws {
        try Self.withScript("exec sleep 30") { path, _ in
            let started = ContinuousClock.now
            #expect(throws: MailTransportError.self) {
                try SendmailTransport(path: path.path, timeout: .seconds(1)).send(Self.message)
            }
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func aMissingOrUnrunnableSendmailIsUnavailable() throws {
        #expect {
            try SendmailTransport(path: "/nonexistent/sendmail", timeout: .seconds(1)).checkUsable()
        } throws: { error in
            error is MailerError && ErrorReport(error).exitStatus == Sysexits.unavailable
        }
        #expect {
            try SendmailTransport(path: NSTemporaryDirectory(), timeout: .seconds(1)).checkUsable()
        } throws: { error in
            error is MailerError && ErrorReport(error).exitStatus == Sysexits.unavailable
        }
    }

    /// A round whose flush fails is not accepted: the error says why, and no complete-looking file is left.
    @Test func aFailedFlushAcceptsNothing() throws {
        try Self.withScript("") { _, directory in
            let outbox = directory.appendingPathComponent("outbox")
            try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: false)
            let transport = DirectoryTransport(directory: outbox)
            try transport.send(Self.message)
            try FileManager.default.removeItem(at: outbox)
            let error = try #require(throws: MailTransportError.self) { try transport.flush() }
            #expect(error.description.contains(outbox.path))
            #expect(!FileManager.default.fileExists(atPath: transport.fileURL(for: Self.message).path))
        }
    }

    /// A file's name is the Message-ID's local part, every character but letters, digits, `.` and `-` made `_`:
    /// worked out from the bytes for what the mailer writes, the same as by Foundation's character sets.
    @Test func aFileIsNamedAfterItsMessageIDsLocalPart() {
        func byCharacterSets(_ messageID: String) -> String {
            let local = messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
                .split(separator: "@").first.map(String.init) ?? "message"
            return String(local.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-" ? Character($0) : "_"
            }) + ".eml"
        }
        let transport = DirectoryTransport(directory: URL(fileURLWithPath: "/var/tmp/outbox"))
        for messageID in [
            "<parley.12-9870-14.0123456789abcdef@mfa.example>", "<parley.0123456789abcdef@mfa.example>",
            "<a+b/c=d_e@x>", "<../../etc/passwd@x>", "<Київ.1@mfa.example>", "<x y\tz@host>", "<@host>", "<>", "plain",
        ] {
            var message = Self.message
            message.messageID = messageID
            #expect(DirectoryTransport.fileName(for: message) == byCharacterSets(messageID), "\(messageID)")
            #expect(transport.fileURL(for: message).path == "/var/tmp/outbox/" + byCharacterSets(messageID))
        }
    }

    @Test func theDirectoryTransportWritesOneFilePerMessageAtomically() throws {
        try Self.withScript("") { _, directory in
            let transport = DirectoryTransport(directory: directory)
            try transport.checkUsable()
            try transport.send(Self.message)
            // Not accepted until the round is flushed: nothing visible yet.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }.isEmpty)
            try transport.flush()
            try transport.send(Self.message)
            try transport.flush()
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }
            #expect(files == ["parley.0123456789abcdef.eml"])
            #expect(try Data(contentsOf: transport.fileURL(for: Self.message)) == Self.message.rendered(lineEnding: .crlf))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.hasSuffix(".tmp") })
        }
        #expect {
            try DirectoryTransport(directory: URL(fileURLWithPath: "/nonexistent/parley-mail")).checkUsable()
        } throws: { error in
            error is MailerError && ErrorReport(error).exitStatus == Sysexits.cannotCreate
        }
    }
}
