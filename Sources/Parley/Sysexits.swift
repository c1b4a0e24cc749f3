/// Exit statuses from `<sysexits.h>`, which cron wrappers and systemd understand.
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
    /// Cannot create or write an output file.
    public static let cannotCreate: Int32 = 73
    /// Temporary failure: try again later (database unreachable, deliveries failed temporarily).
    public static let temporaryFailure: Int32 = 75
    /// Bad configuration.
    public static let config: Int32 = 78
}
