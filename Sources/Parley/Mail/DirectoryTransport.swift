import Foundation
import SystemCalls

/// Writes each message as a file `<Message-ID local part>.eml` (CRLF line endings) in a directory. A retry of the
/// same deliveries writes the same file name.
///
/// Messages are accepted a round at a time (`acceptsInRounds`): `send` writes a message under a hidden temporary
/// name and flushes it; `flush` renames the round's files into place and makes the directory durable once. A
/// visible `.eml` file is therefore always complete, also after a crash, and a round costs one fsync per file and
/// one of the directory rather than a file, a directory and a database commit per message (BENCHMARKS.md, figure
/// 4). A flush that fails takes back the files it had renamed: none of the round is accepted, so nothing is in the
/// outbox that the database does not owe again. A run killed before its flush leaves its temporary files
/// (`.NAME.PID.tmp`) behind and marks nothing: the deliveries are sent again.
///
/// `send` may be called from several threads at once (the mailer writes a round's files in parallel, so that their
/// fsyncs overlap); `flush` from one, after them.
public final class DirectoryTransport: MailTransport, @unchecked Sendable {
    public let directory: URL
    /// Written and not yet flushed: (temporary file, final file), paths. Guarded by `lock`.
    private var unflushed: [(temporary: String, target: String)] = []
    private let lock = NSLock()

    public init(directory: URL) {
        self.directory = directory
    }

    public var acceptsInRounds: Bool { true }

    public func checkUsable() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MailerError.directoryUnusable(path: directory.path, problem: "is not a directory")
        }
        guard (try? systemCall("access") { access(directory.path, W_OK | X_OK) }) != nil else {
            throw MailerError.directoryUnusable(path: directory.path, problem: "is not writable")
        }
    }

    /// The file a message is written to.
    public func fileURL(for message: MailMessage) -> URL {
        URL(fileURLWithPath: directory.path + "/" + Self.fileName(for: message), isDirectory: false)
    }

    /// `<local part of the Message-ID>.eml`, every character but letters, digits, `.` and `-` replaced by `_`.
    /// Built from the bytes (a round writes thousands): Foundation's character sets and URL appending, which asks
    /// the file system whether the path is a directory, were a tenth of the mailer's CPU at L.
    static func fileName(for message: MailMessage) -> String {
        var id = Substring(message.messageID)
        while id.first == "<" || id.first == ">" { id = id.dropFirst() }
        while id.last == "<" || id.last == ">" { id = id.dropLast() }
        let local = id.split(separator: "@", omittingEmptySubsequences: true).first.map(String.init) ?? "message"
        if local.utf8.allSatisfy({ isSafeASCII($0) }) { return local + ".eml" }
        // Beyond ASCII (never in a Message-ID the mailer makes): each letter or digit kept, as before.
        let safe = String(local.unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-" ? Character($0) : "_"
        })
        return safe + ".eml"
    }

    private static func isSafeASCII(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    public func send(_ message: MailMessage) throws {
        let name = Self.fileName(for: message)
        let target = directory.path + "/" + name
        let temporary = directory.path + "/." + name + ".\(getpid()).tmp"
        let data = message.rendered(lineEnding: .crlf)
        let fd: Int32
        do {
            fd = try systemCall("open") { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640) }
        } catch {
            throw MailTransportError("cannot create \(temporary): \(error.reason)")
        }
        var failure: String?
        do {
            try data.withUnsafeBytes { raw in
                guard let start = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count {
                    offset += try systemCall("write") { write(fd, start + offset, raw.count - offset) }
                }
            }
        } catch let error as SystemCallError {
            failure = "cannot write \(temporary): \(error.reason)"
        }
        // Flushed through the descriptor that wrote it, so that a write-back error is reported here.
        if failure == nil {
            do {
                try systemCall("fsync") { fsync(fd) }
            } catch {
                failure = "cannot flush \(temporary): \(error.reason)"
            }
        }
        do {
            try systemCall("close", retryingInterrupted: false) { close(fd) }
        } catch {
            if failure == nil { failure = "cannot close \(temporary): \(error.reason)" }
        }
        if let failure {
            _ = try? systemCall("unlink") { unlink(temporary) }
            throw MailTransportError(failure)
        }
        lock.lock()
        unflushed.append((temporary, target))
        lock.unlock()
    }

    /// Makes the round's files visible and durable: each renamed into place, then the directory flushed, so that no
    /// file is marked sent that a crash could take away. On a failure the files this flush renamed are removed
    /// again and the rest of the round's temporary files too: the round was not accepted.
    public func flush() throws {
        lock.lock()
        let files = unflushed
        unflushed = []
        lock.unlock()
        var renamed: [String] = []
        var failure: String?
        for file in files {
            do {
                try systemCall("rename") { rename(file.temporary, file.target) }
            } catch {
                failure = "cannot rename to \(file.target): \(error.reason)"
                break
            }
            renamed.append(file.target)
        }
        if failure == nil {
            do {
                let directoryFD = try systemCall("open") { open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
                defer { _ = try? systemCall("close", retryingInterrupted: false) { close(directoryFD) } }
                try systemCall("fsync") { fsync(directoryFD) }
            } catch {
                failure = "cannot flush the directory \(directory.path): \(error.reason)"
            }
        }
        if let failure {
            for target in renamed { _ = try? systemCall("unlink") { unlink(target) } }
            for file in files { _ = try? systemCall("unlink") { unlink(file.temporary) } }
            throw MailTransportError(failure)
        }
    }
}
