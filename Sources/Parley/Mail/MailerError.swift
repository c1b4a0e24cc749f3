/// Why the alert mailer could not do its work at all (as opposed to a delivery that failed, which is recorded and
/// retried).
public enum MailerError: Error, CustomStringConvertible, Sendable {
    /// The sendmail program is missing or not executable: exit status 69 (`EX_UNAVAILABLE`), nothing claimed.
    case sendmailUnavailable(path: String, problem: String)
    /// The `--to-dir` directory cannot be written: exit status 73 (`EX_CANTCREAT`), nothing claimed.
    case directoryUnusable(path: String, problem: String)
    /// The database returned something this program does not understand.
    case unexpectedData(String)

    public var description: String {
        switch self {
        case let .sendmailUnavailable(path, problem):
            return "sendmail \(path) \(problem); install an MTA (e.g. msmtp-mta) or set PARLEY_SENDMAIL"
        case let .directoryUnusable(path, problem):
            return "--to-dir \(path) \(problem)"
        case let .unexpectedData(message):
            return message
        }
    }
}
