import ArgumentParser

/// Where a commitment stands (`parley.commitment_status`), as the command line takes it.
enum CommitmentStatus: String, CaseIterable, ExpressibleByArgument {
    case pending
    case inProgress = "in_progress"
    case partiallyFulfilled = "partially_fulfilled"
    case fulfilled
    case breached
    case withdrawn
    case superseded
}
