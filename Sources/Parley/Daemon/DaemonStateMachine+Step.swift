import Logging

extension DaemonStateMachine {
    /// What the loop does next: the effects in order, then the command.
    struct Step: Equatable, Sendable {
        /// Done at once, in this order, before the command; nothing comes back from them.
        var effects: [Effect] = []
        /// The one thing whose outcome the machine waits for, fed back as the next event.
        var command: Command

        init(effects: [Effect] = [], command: Command) {
            self.effects = effects
            self.command = command
        }
    }

    /// Something the loop does that the machine needs no answer to.
    enum Effect: Equatable, Sendable {
        /// One line to the journal.
        case log(Logger.Level, String)
        /// One sd_notify message.
        case notify(ServiceState)
        /// Ends the database session (and with it LISTEN; a lease it held is free for a standby at once).
        case closeConnection
        /// A reload changed the log level.
        case setLogLevel(Logger.Level)
        /// A reload changed PG* variables, which libpq reads from the process environment at the next connect.
        case setLibpqEnvironment([String: String])
    }

    /// What parleyd tells systemd (sd_notify). `Daemon` words them; `reloading` gets the monotonic time there.
    enum ServiceState: Equatable, Sendable {
        /// Started: `READY=1` with the status line, so that `systemctl status` shows the details at once.
        case ready(status: String)
        /// `STATUS=…`.
        case status(String)
        /// A reload is done: `READY=1`.
        case reloaded
        /// `RELOADING=1` with `MONOTONIC_USEC=`.
        case reloading
        /// `STOPPING=1`.
        case stopping
        /// `WATCHDOG=1`.
        case watchdog
    }

    /// A lease to renew: the epoch this instance was elected in, and how long the renewal lasts.
    struct Lease: Equatable, Sendable {
        var token: Int64
        var duration: Duration
    }

    /// What the loop performs and reports back on, as the next event.
    enum Command: Equatable, Sendable {
        /// Open a session (`PARLEY_DATABASE_URL`, else libpq's defaults): `connected`, `connectFailed` or `fatal`.
        case connect(databaseURL: String?)
        /// Check the schema and set the session's timeouts: `sessionPrepared` or `failed`.
        case prepareSession(lockTimeout: Duration, statementTimeout: Duration)
        /// Claim the leadership lease for `lease` (`daemon_claim_leadership`): `leadershipAcquired` or
        /// `leadershipHeldElsewhere`.
        case tryLeadership(lease: Duration)
        /// `LISTEN` for change notifications: `listening`.
        case listen
        /// A leader first renews its lease (`daemon_renew_leadership`); then the instance is recorded in
        /// `daemon_status`: `heartbeatRecorded`, or `leadershipLost` when the renewal was refused.
        case heartbeat(Role, waitingFor: String?, renewing: Lease?)
        /// `plan_alerts_as_leader(token, now())`, which proves the leadership in the plan's own transaction:
        /// `planned`, `planBlockedByLock` or `leadershipLost`.
        case plan(token: Int64)
        /// `daemon_plan_finished`, which `alert_status` shows: `planRecorded`.
        case recordPlan(took: Duration, alertsCreated: Int)
        /// Count the deliveries pending for the STATUS line: `pendingDeliveriesCounted`.
        case countPendingDeliveries
        /// Name the sessions whose locks a plan waits for: `lockHoldersDescribed`.
        case describeLockHolders
        /// Re-read the environment file over the starting environment: `settingsRead` or `settingsRefused`.
        case readSettings(environmentFile: String?)
        /// End the lease this instance holds, if any (so that a standby takes over at its next check), and remove
        /// the instance from `daemon_status`: `deregistered`.
        case deregister(resigning: Int64?)
        /// Sleep in poll() on the session (when there is one) and the signal pipe until `until`: `woke`.
        case wait(until: Moment)
        /// End the process with this status.
        case exit(Int32)
    }
}
