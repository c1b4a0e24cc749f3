/// The PostgreSQL roles that carry Parley's permissions (README, Access), as a refusal names them.
public enum ParleyRole: String, Sendable, CaseIterable {
    /// Reads the views of schema `parley`.
    case reader = "parley_reader"
    /// Records through the functions of schema `parley`, imports, acknowledges alerts.
    case writer = "parley_writer"
    /// What parleyd and the mailer need.
    case daemon = "parley_daemon"
    /// Owns every object; migrations run as it.
    case owner = "parley_owner"

    /// What a login lacking the role is told: what needs it, and how to see what one has.
    public var refusalHint: String {
        let check = "See what your login may do with: select * from parley.whoami;"
        switch self {
        case .reader:
            return "Reading Parley needs the role parley_reader (or parley_writer); ask your administrator for it. \(check)"
        case .writer:
            return "Recording needs the role parley_writer; ask your administrator for it. \(check)"
        case .daemon:
            return "parleyd and the alert mailer need the role parley_daemon; ask your administrator for it. \(check)"
        case .owner:
            return "Migrating needs the owner of the database or a superuser (migrations run as parley_owner); run parley migrate as them."
        }
    }
}
