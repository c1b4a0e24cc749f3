import ArgumentParser

/// Who confirms a reported delivery (`parley.verification`), as the command line takes it.
enum Verification: String, CaseIterable, ExpressibleByArgument {
    case bothParties = "both_parties"
    case oneParty = "one_party"
    case mediator
    case media
    case unverified
}
