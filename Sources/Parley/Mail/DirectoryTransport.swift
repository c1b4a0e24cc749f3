import Foundation

/// Writes each message as a file `<Message-ID local part>.eml` (CRLF line endings) in a directory, atomically:
/// written under a temporary name, flushed, then renamed. A retry of the same deliveries writes the same file name.
public struct DirectoryTransport: MailTransport {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

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
        if failure == nil && fsync(fd) != 0 {
            failure = "cannot flush \(temporary.path): \(String(cString: strerror(errno)))"
        }
        close(fd)
        if failure == nil && rename(temporary.path, target.path) != 0 {
            failure = "cannot rename to \(target.path): \(String(cString: strerror(errno)))"
        }
        if let failure {
            unlink(temporary.path)
            throw MailTransportError(failure)
        }
        // The rename itself must survive a crash, or the run marks as sent a file that is gone.
        let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
