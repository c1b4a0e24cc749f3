import ArgumentParser

/// What an alert says (`parley.alert_kind`), as the command line takes it.
enum AlertKind: String, CaseIterable, ExpressibleByArgument {
    case dueSoon = "due_soon"
    case overdue
    case stale
    case meetingUpcoming = "meeting_upcoming"
    case meetingOutcomeMissing = "meeting_outcome_missing"
    case followUpDue = "follow_up_due"
    case resolved
    case breached
    case termEnding = "term_ending"
    case objectionDeadline = "objection_deadline"
    case termExpired = "term_expired"
    case agreementSuspended = "agreement_suspended"
    case agreementWithdrawal = "agreement_withdrawal"
}
