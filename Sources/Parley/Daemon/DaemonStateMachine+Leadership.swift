extension DaemonStateMachine {
    /// What the machine knows while this instance leads: its lease, where planning stands, the lock it may wait
    /// for, the pending deliveries the STATUS line shows.
    ///
    /// Leadership is a lease (sql/repeatable/425_leadership.sql): elected for `leaseDuration`, renewed by each
    /// heartbeat and each plan, proved by `token` (the epoch of the election) in the transaction of every renewal
    /// and plan. It ends when the database refuses the token (another instance was elected after the lease lapsed),
    /// when the lease lapses by this instance's own clock (it was frozen: it does not plan on a lease it cannot
    /// vouch for), or with the session.
    struct Leadership: Equatable, Sendable {
        /// The epoch this instance was elected in: the token every renewal and plan presents.
        var token: Int64
        /// When the lease lapses by this instance's clock, counted from the moment the last renewal was sent — the
        /// claim, a heartbeat, or a plan (which says how long the lease it renewed at its end lasts from its start)
        /// — so never later than the database's own expiry.
        var leaseEndsAt: Moment
        /// `LISTEN` has been sent on this session.
        var listening = false
        /// A heartbeat must go out before anything else: the role changed, or what the plan waits for did.
        var heartbeatNow = true
        /// When the next plan is due; on taking over, at once (a full plan).
        var planDueAt: Moment
        /// A change notification arrived since the last plan began.
        var notified = false
        /// When the plan in flight was sent.
        var planSentAt: Moment?
        /// A plan to record in `daemon_plan_finished`.
        var planToRecord: PlanRecord?
        /// A plan gave up on a lock: find out whose before waiting.
        var lockHoldersWanted = false
        /// What planning waits for (`a lock held by pid 4242 …`); nil when it does not wait.
        var waitingFor: String?
        /// When the next alert falls due, as the last plan said; nil when none is scheduled.
        var nextAlertAt: Moment?
        var pendingDeliveries: PendingDeliveries
        /// The STATUS line changed and is sent before the next wait.
        var statusChanged = false

        init(token: Int64, leaseEndsAt: Moment, at now: Moment) {
            self.token = token
            self.leaseEndsAt = leaseEndsAt
            planDueAt = now
            pendingDeliveries = PendingDeliveries(countedAt: now)
        }

        /// The leader's STATUS line: what planning waits for, or deliveries pending and when the next alert falls
        /// due, from `now`.
        func statusLine(at now: Moment) -> String {
            if let waitingFor { return "leader: waiting for \(waitingFor)" }
            let next = nextAlertAt.map { at -> String in
                let seconds = (at - now) / .seconds(1)
                return seconds <= 0 ? "next alert due now" : "next alert in \(Int(seconds.rounded(.up))) s"
            } ?? "no alert scheduled"
            return "leader: \(pendingDeliveries.count) deliveries pending; \(next)"
        }
    }

    /// A plan as `daemon_plan_finished` records it.
    struct PlanRecord: Equatable, Sendable {
        var took: Duration
        var alertsCreated: Int
    }

    /// The pending deliveries the STATUS line shows.
    ///
    /// Counting them reads every pending delivery through alert_status's row-level security — about a second at a
    /// million commitments — so the count is not taken after every plan that creates alerts, where it would hold up
    /// the alert of the next change (BENCHMARKS.md, figure 3), but on becoming leader, then with the heartbeat after
    /// plans have changed it, and at least every `recountInterval` (the mailer's sends lower it without the daemon's
    /// knowing).
    struct PendingDeliveries: Equatable, Sendable {
        static let recountInterval = Duration.seconds(300)

        var count = 0
        /// Counted at least once in this leadership.
        var known = false
        /// Plans have changed the count since it was taken.
        var stale = false
        var countedAt: Moment
        /// A count is to be taken before the next wait.
        var countWanted = false
    }
}
