import ArgumentParser

/// What a party says about an item (`parley.stance`), as the command line takes it.
enum Stance: String, CaseIterable, ExpressibleByArgument {
    case supports
    case conditional
    case opposes
    case refuses
    case undecided
}
