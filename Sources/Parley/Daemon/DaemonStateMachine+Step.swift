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
        /// Ends the database session (and with it the leader lock and LISTEN).
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

    /// What the loop performs and reports back on, as the next event.
    enum Command: Equatable, Sendable {
        /// Open a session (`PARLEY_DATABASE_URL`, else libpq's defaults): `connected`, `connectFailed` or `fatal`.
        case connect(databaseURL: String?)
        /// Check the schema and set the session's timeouts: `sessionPrepared` or `failed`.
        case prepareSession(lockTimeout: Duration, statementTimeout: Duration)
        /// `pg_try_advisory_lock` on the leader lock: `leadershipAcquired` or `leadershipHeldElsewhere`.
        case tryLeadership
        /// `LISTEN` for change notifications: `listening`.
        case listen
        /// Record this instance in `daemon_status`: `heartbeatRecorded`.
        case heartbeat(Role, waitingFor: String?)
        /// `plan_alerts(now())`: `planned` or `planBlockedByLock`.
        case plan
        /// `daemon_plan_finished`, which `alert_status` shows: `planRecorded`.
        case recordPlan(took: Duration, alertsCreated: Int)
        /// Count the deliveries pending for the STATUS line: `pendingDeliveriesCounted`.
        case countPendingDeliveries
        /// Name the sessions whose locks a plan waits for: `lockHoldersDescribed`.
        case describeLockHolders
        /// Re-read the environment file over the starting environment: `settingsRead` or `settingsRefused`.
        case readSettings(environmentFile: String?)
        /// Remove this instance from `daemon_status`: `deregistered`.
        case deregister
        /// Sleep in poll() on the session (when there is one) and the signal pipe until `until`: `woke`.
        case wait(until: Moment)
        /// End the process with this status.
        case exit(Int32)
    }
}
