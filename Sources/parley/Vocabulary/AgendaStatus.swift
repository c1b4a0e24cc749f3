import ArgumentParser

/// Where an agenda item stands on a track (`parley.agenda_status`), as the command line takes it.
enum AgendaStatus: String, CaseIterable, ExpressibleByArgument {
    case proposed
    case underDiscussion = "under_discussion"
    case agreedInPrinciple = "agreed_in_principle"
    case agreed
    case implementing
    case implemented
    case stalled
    case rejected
    case withdrawn
}
