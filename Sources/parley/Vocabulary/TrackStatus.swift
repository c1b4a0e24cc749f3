import ArgumentParser

/// Whether a track is going on (`parley.track_status`), as the command line takes it.
enum TrackStatus: String, CaseIterable, ExpressibleByArgument {
    case active
    case paused
    case concluded
}
