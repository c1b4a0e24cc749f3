/// A value sent or read as `json`/`jsonb` through `JSONEncoder` and `JSONDecoder`.
///
/// As a parameter: `try conn.execute("insert into t (doc) values ($1)", [PQJSON(settings)])`.
/// From a row: `try row.decode("doc", as: PQJSON<Settings>.self).value`, or `row.decodeJSON("doc", as:)`.
public struct PQJSON<Value> {
    public var value: Value

    public init(_ value: Value) {
        self.value = value
    }
}

extension PQJSON: Sendable where Value: Sendable {}
