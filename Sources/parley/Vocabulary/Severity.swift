import ArgumentParser

/// How urgent an alert is, in increasing order (`parley.severity`), as the command line takes it.
enum Severity: String, CaseIterable, ExpressibleByArgument {
    case info
    case warning
    case critical
}
