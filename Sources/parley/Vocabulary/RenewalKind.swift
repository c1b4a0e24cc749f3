import ArgumentParser

/// How an agreement's term renews (`parley.renewal_kind`), as the command line takes it.
enum RenewalKind: String, CaseIterable, ExpressibleByArgument {
    case byDecision = "by_decision"
    case automatic
}
