/// The PostgreSQL advisory lock keys Parley uses (session-level locks, one bigint key each).
///
/// Spelled out so that an operator can find them in `pg_locks` (`objid` holds the low 32 bits).
public enum AdvisoryLock {
    /// Held by `parley migrate` while it applies migrations: concurrent runs wait for each other.
    public static let migrate: Int64 = 0x5061_726C_6579_0001
    /// Held by the leading `parleyd`: only the holder plans alerts.
    public static let daemonLeader: Int64 = 0x5061_726C_6579_0002
}
