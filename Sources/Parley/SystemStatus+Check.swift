import Foundation

extension SystemStatus {
    /// The instance that plans alerts now: the one that holds a valid leadership lease.
    ///
    /// Leadership is a lease (sql/repeatable/425_leadership.sql) that `daemon_status.holds_lease` judges by the
    /// database's clock: not lapsed, and the holder's session still open. An instance that says it leads but whose
    /// lease lapsed (frozen, cut off) does not lead: it would be refused if it tried to plan. This is the one place
    /// that judges whether someone leads.
    public var liveLeader: DaemonInstance? {
        daemons.first { $0.holdsLease }
    }

    /// Seconds since the last mailer run finished, by the database clock; nil when it never ran.
    public var secondsSinceMailerRun: Int? {
        lastMailerRun.map { max(0, Int(readAt.timeIntervalSince($0.finishedAt).rounded())) }
    }

    /// Judges the status as monitoring should.
    ///
    /// - CRITICAL: no parleyd leads (none holds a valid lease); deliveries are due and the mailer has not run for two
    ///   of its periods (or never ran); the schema is behind this build (or does not match it).
    /// - WARNING: deliveries failed after their last attempt.
    ///
    /// - Parameter mailerPeriod: how often the timer or cron runs `parley alerts send` (5 minutes as shipped).
    public func check(mailerPeriod: Duration) -> HealthCheck {
        var critical: [String] = [], warning: [String] = []
        let period = Int(mailerPeriod.components.seconds)

        if !migrationProblems.isEmpty {
            critical.append("the schema does not match this build: " + migrationProblems.joined(separator: "; "))
        } else if !pendingMigrations.isEmpty {
            critical.append("the schema is behind: \(pendingMigrations.count) migration(s) pending (run parley migrate)")
        }
        if liveLeader == nil {
            critical.append(daemons.isEmpty
                ? "no parleyd leads: alerts are not being planned"
                : "no parleyd leads: \(daemons.count) instance(s) registered, none holding a valid leadership lease")
        }
        if deliveriesDue > 0 {
            if let age = secondsSinceMailerRun {
                if age > 2 * period {
                    critical.append("\(deliveriesDue) deliveries due and the mailer has not run for \(Self.age(age)) "
                        + "(it should run every \(Self.age(period)))")
                }
            } else {
                critical.append("\(deliveriesDue) deliveries due and the mailer has never run")
            }
        }
        if deliveriesFailed > 0 {
            warning.append("\(deliveriesFailed) deliveries failed (select * from parley.delivery_failures)")
        }

        let state: HealthCheck.State = !critical.isEmpty ? .critical : !warning.isEmpty ? .warning : .ok
        var summary = "schema \(String(format: "%06d", schemaVersion))"
        if let leader = liveLeader { summary = "parleyd leads on \(leader.host), " + summary }
        summary += ", \(deliveriesDue) due, \(deliveriesFailed) failed"
        summary += secondsSinceMailerRun.map { ", mailer ran \(Self.age($0)) ago" } ?? ", mailer never ran"
        if let clearance, clearance != "secret" { summary += " (counted as \(login), cleared \(clearance))" }

        var data = [
            "due=\(deliveriesDue);;;0", "later=\(deliveriesLater);;;0", "sending=\(deliveriesSending);;;0",
            "failed=\(deliveriesFailed);1;;0", "leaders=\(liveLeader == nil ? 0 : 1);;1:;0",
        ]
        if let age = secondsSinceMailerRun { data.append("mailer_age=\(age)s;;\(2 * period);0") }
        return HealthCheck(state: state, problems: critical + warning, summary: summary, performanceData: data)
    }

    /// A duration for people: "45 s", "12 min", "3 h 5 min", "2 d 4 h".
    static func age(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: "\(seconds) s"
        case ..<7200: "\(seconds / 60) min"
        case ..<172_800: "\(seconds / 3600) h" + (seconds % 3600 >= 60 ? " \(seconds % 3600 / 60) min" : "")
        default: "\(seconds / 86_400) d" + (seconds % 86_400 >= 3600 ? " \(seconds % 86_400 / 3600) h" : "")
        }
    }
}
