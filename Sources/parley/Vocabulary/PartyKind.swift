import ArgumentParser

/// What a party is (`parley.party_kind`), as the command line takes it.
enum PartyKind: String, CaseIterable, ExpressibleByArgument {
    case state
    case organisation
    case other
}
