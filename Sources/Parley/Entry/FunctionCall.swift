import PQ

/// A call of one of the recording functions of schema `parley`, by named arguments:
/// `select parley."add_track"("code" => $1, "name" => $2, "format" => $3)`.
///
/// Arguments left nil are left out, so the function's own default applies. Every value is a bound parameter; the
/// server reads it as the type of the function's parameter, and the function applies the rules (so they live in one
/// place) and refuses bad input with an error naming the field. The function's and the parameters' names are
/// quoted with libpq's `PQescapeIdentifier`.
public struct FunctionCall: Sendable {
    /// The function's name in schema `parley`, e.g. `add_track`.
    public let name: String
    private var names: [String] = []
    private var values: [any PQEncodable & Sendable] = []

    public init(_ name: String) {
        self.name = name
    }

    /// Adds the argument `argument => value`; a nil value is left out.
    public mutating func set(_ argument: String, _ value: (any PQEncodable & Sendable)?) {
        guard let value else { return }
        names.append(argument)
        values.append(value)
    }

    /// Adds the argument `argument => NULL`: for a parameter whose default is not what the user asked for (a
    /// withdrawal that leaves a party's provisions open).
    public mutating func setNull(_ argument: String) {
        names.append(argument)
        values.append(String?.none)
    }

    /// The statement, with one placeholder per argument and every name quoted for `connection`.
    public func statement(for connection: Connection) throws -> String {
        var statement = "select parley." + (try connection.escapeIdentifier(name)) + "("
        for (index, argument) in names.enumerated() {
            if index > 0 { statement += ", " }
            statement += try connection.escapeIdentifier(argument) + " => $" + String(index + 1)
        }
        return statement + ") as result"
    }

    /// Runs the call and returns what the function returned, as text (nil for NULL and for functions returning
    /// nothing).
    ///
    /// - Throws: `PQError`: a refusal carries the function's message, hint and the field as its column.
    @discardableResult
    public func run(on connection: Connection) throws -> String? {
        let result = try connection.query(try statement(for: connection), values)
        guard result.rowCount == 1 else { return nil }
        let text = try result[0].decode("result", as: String?.self)
        return text?.isEmpty == true ? nil : text
    }
}
