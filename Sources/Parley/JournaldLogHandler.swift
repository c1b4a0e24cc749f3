import Foundation
import Logging

/// A swift-log handler that writes one line per event to standard error, prefixed with its syslog priority
/// (`<6>` info, `<4>` warning, `<3>` error): journald reads the prefix as the entry's priority, so
/// `journalctl -p warning -u parleyd` works. Outside systemd the prefix is harmless.
public struct JournaldLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        let level = event.level
        var text = event.message.description
        if !merged.isEmpty {
            text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        // One event, one line: a newline in a message would start a new journal entry without a priority.
        text = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        let line = "<\(Self.syslogPriority(level))>\(text)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The syslog priority of a swift-log level (RFC 5424 severities).
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// Parses `PARLEY_LOG_LEVEL`: debug, info, notice, warning, error (default info).
    public static func level(from text: String?) throws -> Logger.Level {
        guard let text, !text.isEmpty else { return .info }
        switch text.lowercased() {
        case "trace": return .trace
        case "debug": return .debug
        case "info": return .info
        case "notice": return .notice
        case "warning", "warn": return .warning
        case "error", "err": return .error
        case "critical", "crit": return .critical
        default:
            throw ConfigurationError(
                setting: "PARLEY_LOG_LEVEL", problem: "'\(text)' is not one of debug, info, notice, warning, error")
        }
    }
}
