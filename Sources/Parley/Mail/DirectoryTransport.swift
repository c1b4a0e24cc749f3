import Foundation

/// Writes each message as a file `<Message-ID local part>.eml` (CRLF line endings) in a directory. A retry of the
/// same deliveries writes the same file name.
///
/// Messages are accepted a round at a time (`acceptsInRounds`): `send` writes a message under a hidden temporary
/// name; `flush` makes each file durable, renames it into place and makes the directory durable once. A visible
/// `.eml` file is therefore always complete, also after a crash, and a round costs one fsync per file and one of the
/// directory rather than those and a database commit per message (BENCHMARKS.md, figure 4). A run killed before its
/// flush leaves its temporary files (`.NAME.PID.tmp`) behind and marks nothing: the deliveries are sent again.
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
        close(fd)
        if let failure {
            unlink(temporary.path)
            throw MailTransportError(failure)
        }
        unflushed.append((temporary, target))
    }

    /// Makes the round's files durable and visible: each flushed, then renamed into place, then the directory
    /// flushed, so that no file is marked sent that a crash could take away.
    public func flush() throws {
        let files = unflushed
        unflushed = []
        var failure: String?
        for file in files where failure == nil {
            let fd = open(file.temporary.path, O_RDONLY | O_CLOEXEC)
            if fd < 0 || fsync(fd) != 0 {
                failure = "cannot flush \(file.temporary.path): \(String(cString: strerror(errno)))"
            }
            if fd >= 0 { close(fd) }
            if failure == nil && rename(file.temporary.path, file.target.path) != 0 {
                failure = "cannot rename to \(file.target.path): \(String(cString: strerror(errno)))"
            }
        }
        if failure == nil {
            let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directoryFD < 0 || fsync(directoryFD) != 0 {
                failure = "cannot flush the directory \(directory.path): \(String(cString: strerror(errno)))"
            }
            if directoryFD >= 0 { close(directoryFD) }
        }
        if let failure {
            for file in files { unlink(file.temporary.path) }
            throw MailTransportError(failure)
        }
    }
}
