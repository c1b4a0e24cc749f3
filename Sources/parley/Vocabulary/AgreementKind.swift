import ArgumentParser

/// What kind of text an agreement is (`parley.agreement_kind`), as the command line takes it.
enum AgreementKind: String, CaseIterable, ExpressibleByArgument {
    case agreement
    case memorandum
    case jointStatement = "joint_statement"
    case exchangeOfLetters = "exchange_of_letters"
    case ceasefireArrangement = "ceasefire_arrangement"
    case announcedUnderstanding = "announced_understanding"
    case other
}
