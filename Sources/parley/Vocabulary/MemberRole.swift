import ArgumentParser

/// What a party is on a track (`parley.member_role`), as the command line takes it.
enum MemberRole: String, CaseIterable, ExpressibleByArgument {
    case principal
    case mediator
    case host
    case guarantor
    case observer
    case briefer
}
