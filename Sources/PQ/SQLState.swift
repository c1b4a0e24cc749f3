/// A PostgreSQL SQLSTATE error code: five characters, the first two naming the class.
///
/// An open set like postgres-nio's codes: the named members cover the codes callers act on, and any other code
/// keeps its raw value. Compare with `==` or `switch`: `case .uniqueViolation:`.
public struct SQLState: RawRepresentable, ExpressibleByStringLiteral, Hashable, Sendable, CustomStringConvertible {
    /// The five-character code, e.g. `23505`.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// The class: the first two characters, e.g. `23` (integrity constraint violation) for `23505`.
    public var `class`: String {
        String(rawValue.prefix(2))
    }

    /// PostgreSQL's condition name, e.g. `unique_violation`, for the codes PQ knows; nil for others.
    public var conditionName: String? {
        Self.conditionNames[rawValue]
    }

    public var description: String {
        rawValue
    }
}
