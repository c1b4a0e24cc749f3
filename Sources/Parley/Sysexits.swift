/// Exit statuses from `<sysexits.h>`, which cron wrappers and systemd understand. `ErrorReport` decides which
/// error gets which.
public enum Sysexits {
    public static let ok: Int32 = 0
    /// Bad arguments.
    public static let usage: Int32 = 64
    /// Bad input data (an import file, a refused value).
    public static let dataError: Int32 = 65
    /// A service is unavailable (sendmail missing).
    public static let unavailable: Int32 = 69
    /// Internal software error.
    public static let software: Int32 = 70
    /// An operating system error: a system call failed.
    public static let osError: Int32 = 71
    /// Cannot create or write an output file.
    public static let cannotCreate: Int32 = 73
    /// Temporary failure: try again later (database unreachable, deliveries failed temporarily).
    public static let temporaryFailure: Int32 = 75
    /// Permission denied: the login lacks a role or a clearance.
    public static let noPermission: Int32 = 77
    /// Bad configuration.
    public static let config: Int32 = 78
}
