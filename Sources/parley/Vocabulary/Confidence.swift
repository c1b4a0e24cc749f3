import ArgumentParser

/// How sure a figure is (`parley.confidence`), as the command line takes it.
enum Confidence: String, CaseIterable, ExpressibleByArgument {
    case confirmed
    case reported
    case estimated
    case disputed
}
