import Foundation

/// `--dry-run`: the messages a run would send, written to standard output as an mbox (each message after a
/// `From ` line, `\n` line endings), so that people can read them and tools can split them.
public struct MailboxWriter {
    private let write: (String) -> Void

    /// - Parameter write: receives the text; defaults to standard output.
    public init(write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.write = write
    }

    public func append(_ message: MailMessage) {
        // The body is quoted-printable, which escapes a line starting with "From ": no quoting needed here.
        let text = String(decoding: message.rendered(lineEnding: .lf), as: UTF8.self)
        write("From parley@localhost \(Self.asctime(message.date))\n" + text + "\n")
    }

    /// `Tue May 27 09:30:00 2025`, the date form of the mbox separator line.
    private static func asctime(_ date: Date) -> String {
        let rfc = MailMessage.rfc5322Date(date)  // "Tue, 27 May 2025 09:30:00 +0000"
        let parts = rfc.replacingOccurrences(of: ",", with: "").split(separator: " ")
        return "\(parts[0]) \(parts[2]) \(parts[1].count == 1 ? " " : "")\(parts[1]) \(parts[4]) \(parts[3])"
    }
}
