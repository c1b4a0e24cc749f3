import ArgumentParser

/// A party's role in an agreement (`parley.agreement_role`), as the command line takes it.
enum AgreementRole: String, CaseIterable, ExpressibleByArgument {
    case signatory
    case guarantor
    case witness
    case mediator
    case observer
}
