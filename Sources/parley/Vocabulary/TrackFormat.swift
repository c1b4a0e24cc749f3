import ArgumentParser

/// How many sides a track has (`parley.track_format`), as the command line takes it.
enum TrackFormat: String, CaseIterable, ExpressibleByArgument {
    case bilateral
    case trilateral
    case multilateral
    case briefing
}
