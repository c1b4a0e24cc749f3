extension DaemonStateMachine {
    /// What came of a command (or arrived while waiting), as the loop reports it.
    enum Event: Equatable, Sendable {
        case connected
        /// The database could not be reached (libpq's message): tried again after a backoff.
        case connectFailed(String)
        /// Cannot go on at all (a malformed connection string, a system call that failed): ends the process.
        case fatal(String, exitStatus: Int32)
        case sessionPrepared
        /// This session was elected: `token` is the epoch every renewal and plan presents.
        case leadershipAcquired(token: Int64)
        case leadershipHeldElsewhere
        /// The database refused a renewal or a plan: the lease lapsed or another instance was elected since (the
        /// message says which). Nothing was planned.
        case leadershipLost(String)
        case listening
        case heartbeatRecorded
        case planned(PlanOutcome)
        /// The plan waited `lock_timeout` for another transaction's lock and gave up.
        case planBlockedByLock
        case planRecorded
        case pendingDeliveriesCounted(Int)
        /// Who holds the locks the plan waits for, e.g. `pid 4242 (psql), transaction open 75 s`.
        case lockHoldersDescribed(String)
        /// The re-read settings, with the PG* variables whose values differ from the process environment's.
        case settingsRead(DaemonSettings, libpqEnvironment: [String: String])
        /// The re-read settings are unusable (the message names the setting): the working ones stay.
        case settingsRefused(String)
        case deregistered
        /// A wait ended: at its time, for a change notification, or for signals (oldest first).
        case woke(notified: Bool, signals: [SignalPipe.Event])
        /// A command on the session failed.
        case failed(SessionFailure)
    }

    /// What one plan did.
    struct PlanOutcome: Equatable, Sendable {
        var alertsCreated = 0
        var alertsCancelled = 0
        var deliveriesCreated = 0
        /// From the end of the plan to the next moment an alert falls due; nil when none is scheduled.
        var secondsToNextAlert: Double?
        /// How long the lease lasts counted from when the server received the plan (which renewed it at its end),
        /// by the database's clock; nil when it did not say (then the lease is counted from when the plan was sent).
        var leaseSeconds: Double?
    }

    /// Why a command on the session failed.
    enum SessionFailure: Equatable, Sendable {
        /// The connection broke (the server went away, the backend was terminated): reconnect at once.
        case connectionLost(String)
        /// The schema is not the one this build knows: the operator must act (exit 78).
        case schemaMismatch(String)
        /// A statement failed (a bug, a broken function, a missing privilege): start over after a backoff.
        case statementFailed(String)
    }
}
