import ArgumentParser

/// Whether a meeting happens (`parley.meeting_status`), as the command line takes it.
enum MeetingStatus: String, CaseIterable, ExpressibleByArgument {
    case scheduled
    case held
    case postponed
    case cancelled
}
