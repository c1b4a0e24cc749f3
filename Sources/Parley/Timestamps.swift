import Foundation

/// Formatting of instants for people and files.
public enum Timestamps {
    /// `2025-05-16T09:30:00Z`: ISO 8601 in UTC, to the second.
    public static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
