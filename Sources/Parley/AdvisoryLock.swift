/// The PostgreSQL advisory lock keys Parley uses (session-level locks, one bigint key each).
///
/// Spelled out so that an operator can find them in `pg_locks` (`objid` holds the low 32 bits). parleyd's
/// leadership is no lock but a lease (`parley_data.daemon_leadership`, sql/repeatable/425_leadership.sql): a lock
/// belongs to a session, which a frozen or cut-off leader keeps for as long as the server believes it alive.
public enum AdvisoryLock {
    /// Held by `parley migrate` while it applies migrations: concurrent runs wait for each other.
    public static let migrate: Int64 = 0x5061_726C_6579_0001
}
