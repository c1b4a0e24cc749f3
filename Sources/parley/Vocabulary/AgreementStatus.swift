import ArgumentParser

/// Where an agreement stands (`parley.agreement_status`), as the command line takes it.
enum AgreementStatus: String, CaseIterable, ExpressibleByArgument {
    case drafted
    case signed
    case inForce = "in_force"
    case suspended
    case expired
    case terminated
    case superseded
}
