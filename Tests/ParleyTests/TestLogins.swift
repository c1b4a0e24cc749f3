import Foundation
import PQ

/// Four logins, one per role of the matrix: cluster-wide, so uniquely named and dropped afterwards.
struct TestLogins {
    let suffix = UUID().uuidString.prefix(8).lowercased()

    func name(for who: PrivilegeMatrixTests.Who) -> String { "matrix_\(who.rawValue)_\(suffix)" }

    static func create(on connection: Connection) throws -> TestLogins {
        let logins = TestLogins()
        for who in PrivilegeMatrixTests.Who.allCases {
            let name = try connection.escapeIdentifier(logins.name(for: who))
            try connection.execute("create role \(name) login")
            if let role = who.parleyRole {
                try connection.execute("grant \(try connection.escapeIdentifier(role)) to \(name)")
            }
        }
        return logins
    }

    func drop(on connection: Connection) {
        for who in PrivilegeMatrixTests.Who.allCases {
            if let name = try? connection.escapeIdentifier(name(for: who)) {
                _ = try? connection.execute("drop role if exists \(name)")
            }
        }
    }
}
