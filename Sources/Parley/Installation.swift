import Foundation
import PQ

/// The identity of one Parley database, `parley.installation_id()`: a random UUID made when the database was
/// migrated, so that what Parley writes for the world outside (Message-IDs, calendar UIDs) never collides with
/// what another installation writes, though both use the same codes.
public enum Installation {
    /// This database's identity.
    ///
    /// - Throws: `PQError` (42501 for a login with no Parley role).
    public static func id(on connection: Connection) throws -> UUID {
        try connection.query("select parley.installation_id() as id")[0].decode("id")
    }
}
