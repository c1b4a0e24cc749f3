import Foundation
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// The alert mailer's settings, from the environment (systemd's `EnvironmentFile=/etc/parley/parley.env`, or the
/// variables a cron.d file sets).
///
/// | Variable | Default | Meaning |
/// |---|---|---|
/// | `PARLEY_MAIL_FROM` | `Parley <parley@FQDN>` | The From of every alert e-mail (`Name <address>` or an address). |
/// | `PARLEY_MAIL_MAX_CLASSIFICATION` | `restricted` | The highest classification whose details may be mailed. |
/// | `PARLEY_SENDMAIL` | `/usr/sbin/sendmail` | The sendmail-compatible program, run as `PROGRAM -t -oi`. |
/// | `PARLEY_SENDMAIL_TIMEOUT` | `60` | Seconds sendmail may take for one message before it is killed. |
/// | `PARLEY_MAIL_CONCURRENCY` | `4` | Digests handed to sendmail at once, each by a `sendmail -t -oi` of its own (1 to 32). |
///
/// The default From uses the host's fully qualified name; on a host without one (no dot in it) the variable must be
/// set, since relays refuse a sender domain they cannot resolve.
public struct MailSettings: Sendable {
    public var from: MailAddress
    public var maxClassification: DigestEntry.Classification
    public var sendmailPath: String
    public var sendmailTimeout: Duration
    /// Digests handed to sendmail at once, each by a process of its own.
    public var concurrency: Int

    public static let defaultSendmailPath = "/usr/sbin/sendmail"
    public static let defaultTimeoutSeconds = 60
    /// A few at once: enough to keep a local MTA busy while one of its processes waits on the disk, few enough for
    /// any MTA to take.
    public static let defaultConcurrency = 4
    /// What `PARLEY_MAIL_CONCURRENCY` may be.
    public static let concurrencyRange = 1...32

    public init(
        from: MailAddress, maxClassification: DigestEntry.Classification = .restricted,
        sendmailPath: String = defaultSendmailPath, sendmailTimeout: Duration = .seconds(defaultTimeoutSeconds),
        concurrency: Int = defaultConcurrency
    ) {
        self.from = from
        self.maxClassification = maxClassification
        self.sendmailPath = sendmailPath
        self.sendmailTimeout = sendmailTimeout
        self.concurrency = concurrency
    }

    /// Reads the settings.
    ///
    /// - Parameters:
    ///   - hostName: the host's fully qualified name for the default From; looked up when nil.
    ///   - sending: false for a program that only prints digests (`parley digest`): a From that cannot be
    ///     defaulted is then no error.
    /// - Throws: `ConfigurationError` naming the variable and the rule it breaks.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, hostName: String? = nil,
        sending: Bool = true
    ) throws -> MailSettings {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }

        let from: MailAddress
        if let text = value("PARLEY_MAIL_FROM") {
            guard let parsed = MailAddress(parsing: text) else {
                throw ConfigurationError(
                    setting: "PARLEY_MAIL_FROM",
                    problem: "\"\(text)\" is not a mail address; write Name <address> or address, "
                        + "e.g. Parley <parley@mfa.example> (ASCII address with a dotted domain)")
            }
            guard !(parsed.displayName ?? "").unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw ConfigurationError(setting: "PARLEY_MAIL_FROM", problem: "the name contains control characters")
            }
            from = parsed
        } else {
            let host = hostName ?? Self.fullyQualifiedHostName()
            let candidate = host.flatMap { MailAddress(displayName: "Parley", address: "parley@\($0)") }
            guard let address = candidate ?? (sending ? nil : MailAddress(displayName: "Parley", address: "parley@localhost.localdomain")) else {
                throw ConfigurationError(
                    setting: "PARLEY_MAIL_FROM",
                    problem: "not set, and this host's name (\(host ?? "unknown")) is not a fully qualified domain "
                        + "name to default to Parley <parley@HOST>; set it, e.g. PARLEY_MAIL_FROM='Parley <parley@mfa.example>'")
            }
            from = address
        }

        var maxClassification = DigestEntry.Classification.restricted
        if let text = value("PARLEY_MAIL_MAX_CLASSIFICATION") {
            guard let parsed = DigestEntry.Classification(rawValue: text.lowercased()) else {
                throw ConfigurationError(
                    setting: "PARLEY_MAIL_MAX_CLASSIFICATION",
                    problem: "\"\(text)\" must be one of "
                        + DigestEntry.Classification.allCases.map(\.rawValue).joined(separator: ", "))
            }
            maxClassification = parsed
        }

        let sendmailPath = value("PARLEY_SENDMAIL") ?? defaultSendmailPath
        guard sendmailPath.hasPrefix("/") else {
            throw ConfigurationError(
                setting: "PARLEY_SENDMAIL", problem: "\"\(sendmailPath)\" must be an absolute path, e.g. /usr/sbin/sendmail")
        }

        var timeout = defaultTimeoutSeconds
        if let text = value("PARLEY_SENDMAIL_TIMEOUT") {
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw ConfigurationError(
                    setting: "PARLEY_SENDMAIL_TIMEOUT", problem: "\"\(text)\" must be a whole number of seconds from 1 to 3600")
            }
            timeout = seconds
        }

        var concurrency = defaultConcurrency
        if let text = value("PARLEY_MAIL_CONCURRENCY") {
            guard let count = Int(text), concurrencyRange.contains(count) else {
                throw ConfigurationError(
                    setting: "PARLEY_MAIL_CONCURRENCY",
                    problem: "\"\(text)\" must be a whole number of sendmail processes run at once, from "
                        + "\(concurrencyRange.lowerBound) to \(concurrencyRange.upperBound)")
            }
            concurrency = count
        }
        return MailSettings(
            from: from, maxClassification: maxClassification, sendmailPath: sendmailPath,
            sendmailTimeout: .seconds(timeout), concurrency: concurrency)
    }

    /// How long a run holds the deliveries it claims before another run may take them over: long enough for a few
    /// slow sendmail calls, at least five minutes.
    public var lease: Duration {
        max(.seconds(300), sendmailTimeout * 4 + .seconds(60))
    }

    /// The host's canonical name (`gethostname` resolved with `AI_CANONNAME`, lower case); nil when it is unknown.
    public static func fullyQualifiedHostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard (try? systemCall("gethostname") { gethostname(&buffer, buffer.count - 1) }) != nil else { return nil }
        let short = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var name = short
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        // getaddrinfo answers with its own codes (EAI_*), not errno; any failure leaves the short name.
        if getaddrinfo(short, nil, &hints, &result) == 0, let first = result {
            if let canonical = first.pointee.ai_canonname { name = String(cString: canonical) }
            freeaddrinfo(result)
        }
        return name.isEmpty ? nil : name.lowercased()
    }
}
