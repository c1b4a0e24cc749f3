/// Parley's release version, reported by `--version`, the daemon's heartbeat and the mailer's headers.
public enum ParleyVersion {
    public static let current = "0.1.0"
}
