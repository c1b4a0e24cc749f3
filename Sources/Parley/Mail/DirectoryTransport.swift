import Foundation

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
public final class DirectoryTransport: MailTransport {
    public let directory: URL
    /// Written and not yet flushed: (temporary file, final file).
    private var unflushed: [(temporary: URL, target: URL)] = []

    public init(directory: URL) {
        self.directory = directory
    }

    public var acceptsInRounds: Bool { true }

    public func checkUsable() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MailerError.directoryUnusable(path: directory.path, problem: "is not a directory")
        }
        guard access(directory.path, W_OK | X_OK) == 0 else {
            throw MailerError.directoryUnusable(path: directory.path, problem: "is not writable")
        }
    }

    /// The file a message is written to.
    public func fileURL(for message: MailMessage) -> URL {
        let local = message.messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            .split(separator: "@").first.map(String.init) ?? "message"
        let safe = String(local.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-" ? Character($0) : "_" })
        return directory.appendingPathComponent(safe + ".eml")
    }

    public func send(_ message: MailMessage) throws {
        let target = fileURL(for: message)
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        let data = message.rendered(lineEnding: .crlf)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw MailTransportError("cannot create \(temporary.path): \(String(cString: strerror(errno)))")
        }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = "cannot write \(temporary.path): \(String(cString: strerror(errno)))"
                    return
                }
                offset += written
            }
        }
        // Flushed through the descriptor that wrote it, so that a write-back error is reported here.
        if failure == nil && fsync(fd) != 0 {
            failure = "cannot flush \(temporary.path): \(String(cString: strerror(errno)))"
        }
        if close(fd) != 0 && failure == nil {
            failure = "cannot close \(temporary.path): \(String(cString: strerror(errno)))"
        }
        if let failure {
            unlink(temporary.path)
            throw MailTransportError(failure)
        }
        unflushed.append((temporary, target))
    }

    /// Makes the round's files visible and durable: each renamed into place, then the directory flushed, so that no
    /// file is marked sent that a crash could take away. On a failure the files this flush renamed are removed
    /// again and the rest of the round's temporary files too: the round was not accepted.
    public func flush() throws {
        let files = unflushed
        unflushed = []
        var renamed: [URL] = []
        var failure: String?
        for file in files {
            if rename(file.temporary.path, file.target.path) != 0 {
                failure = "cannot rename to \(file.target.path): \(String(cString: strerror(errno)))"
                break
            }
            renamed.append(file.target)
        }
        if failure == nil {
            let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directoryFD < 0 || fsync(directoryFD) != 0 {
                failure = "cannot flush the directory \(directory.path): \(String(cString: strerror(errno)))"
            }
            if directoryFD >= 0 { close(directoryFD) }
        }
        if let failure {
            for target in renamed { unlink(target.path) }
            for file in files { unlink(file.temporary.path) }
            throw MailTransportError(failure)
        }
    }
}
