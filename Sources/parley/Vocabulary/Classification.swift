import ArgumentParser

/// How sensitive a record is, in increasing order (`parley.classification`), as the command line takes it.
enum Classification: String, CaseIterable, ExpressibleByArgument {
    case unclassified
    case restricted
    case confidential
    case secret
}
