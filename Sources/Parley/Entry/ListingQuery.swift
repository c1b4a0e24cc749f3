import PQ

/// A listing read from one of the views of schema `parley`, with filters:
/// `select * from parley."commitments" where "track" = $1 and "overdue"`.
///
/// Filter values are bound parameters; view and column names are quoted with libpq's `PQescapeIdentifier`.
public struct ListingQuery: Sendable {
    /// A condition on one column; its value, if any, is the parameter of the same position among the values.
    private enum Condition: Sendable {
        case equal(String)
        case equalIgnoringCase(String)
        case isTrue(String)
        case listIncludes(String)
    }

    /// The view, e.g. `commitments` (schema `parley`).
    public let view: String
    /// Columns to show, in order; empty for all of them.
    public var columns: [String] = []
    private var conditions: [Condition] = []
    private var parameters: [any PQEncodable & Sendable] = []

    public init(view: String) {
        self.view = view
    }

    /// Keeps the rows whose `column` equals `value`; no filter when `value` is nil.
    public mutating func equal(_ column: String, _ value: String?) {
        guard let value else { return }
        conditions.append(.equal(column))
        parameters.append(value)
    }

    /// Keeps the rows whose `column` equals `value` regardless of case (e-mail addresses); none when nil.
    public mutating func equalIgnoringCase(_ column: String, _ value: String?) {
        guard let value else { return }
        conditions.append(.equalIgnoringCase(column))
        parameters.append(value)
    }

    /// Keeps the rows whose `column`, a list written "a, b, c" (an agreement's tracks), includes `value`; no filter
    /// when `value` is nil.
    public mutating func listIncludes(_ column: String, _ value: String?) {
        guard let value else { return }
        conditions.append(.listIncludes(column))
        parameters.append(value)
    }

    /// Keeps the rows where the boolean `column` is true, when `enabled`.
    public mutating func isTrue(_ column: String, when enabled: Bool = true) {
        guard enabled else { return }
        conditions.append(.isTrue(column))
    }

    /// The statement for `connection`, names quoted, values as placeholders.
    public func statement(for connection: Connection) throws -> String {
        var statement = "select "
        if columns.isEmpty {
            statement += "*"
        } else {
            statement += try columns.map { try connection.escapeIdentifier($0) }.joined(separator: ", ")
        }
        statement += " from parley." + (try connection.escapeIdentifier(view))
        var placeholder = 0
        for (index, condition) in conditions.enumerated() {
            statement += index == 0 ? " where " : " and "
            switch condition {
            case .equal(let column):
                placeholder += 1
                statement += try connection.escapeIdentifier(column) + " = $" + String(placeholder)
            case .equalIgnoringCase(let column):
                placeholder += 1
                statement += "lower(" + (try connection.escapeIdentifier(column)) + ") = lower($" + String(placeholder) + ")"
            case .isTrue(let column):
                statement += try connection.escapeIdentifier(column)
            case .listIncludes(let column):
                placeholder += 1
                statement += "$" + String(placeholder) + " = any (string_to_array("
                    + (try connection.escapeIdentifier(column)) + ", ', '))"
            }
        }
        return statement
    }

    /// Runs the query; the view's own order is kept.
    public func listing(on connection: Connection) throws -> Listing {
        try Listing(connection.query(try statement(for: connection), parameters))
    }
}
