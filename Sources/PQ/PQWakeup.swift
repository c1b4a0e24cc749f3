/// Why `Connection.waitForNotifications` returned: notifications arrived, the caller's extra file descriptor became
/// readable, both, or neither (the timeout passed).
public struct PQWakeup: Sendable {
    /// The notifications received, oldest first; empty when none arrived before the wait ended.
    public var notifications: [PQNotification]

    /// Whether the extra file descriptor given to the wait is readable (or at end of file, or in error). The wait
    /// does not read it: drain it yourself, or the next wait returns at once.
    public var fileDescriptorReadable: Bool

    /// Whether the wait ended because its timeout passed, with nothing to report.
    public var timedOut: Bool {
        notifications.isEmpty && !fileDescriptorReadable
    }

    public init(notifications: [PQNotification], fileDescriptorReadable: Bool) {
        self.notifications = notifications
        self.fileDescriptorReadable = fileDescriptorReadable
    }
}
