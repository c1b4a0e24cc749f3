import PQ

/// One change an import made (or, in a dry run, would make), as the change history records it: a record added or
/// removed, or one field of a record with its value before and after.
public struct ImportChange: Sendable, Equatable {
    /// The kind of record, by table name (`commitments`, `track_members`, ...).
    public var entity: String
    /// The record's code as `parley.changes` shows it (for a link, both ends; for an update, its commitment).
    public var code: String
    /// The record's key, to tell a record added by this import from one that was there before.
    public var rowID: String
    /// `insert`, `update` or `delete`.
    public var operation: String
    /// For an update, the field and its values before and after (references by code); nil otherwise.
    public var field: String?
    public var oldValue: String?
    public var newValue: String?

    public init(entity: String, code: String, rowID: String, operation: String, field: String? = nil,
                oldValue: String? = nil, newValue: String? = nil) {
        self.entity = entity
        self.code = code
        self.rowID = rowID
        self.operation = operation
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
    }

    /// True for a change to a record that was there before the import: what a person must not miss.
    public var touchesExistingRecord: Bool { operation != "insert" }

    /// One line: `commitment C-12: due_on 2023-05-18 → 2022-11-19`, `new commitment C-13`, `removed member …`.
    public var line: String {
        let what = Self.singular(entity)
        switch operation {
        case "insert": return "new \(what) \(code)"
        case "delete": return "removed \(what) \(code)"
        default: return "\(what) \(code): \(field ?? "") \(oldValue ?? "(none)") → \(newValue ?? "(none)")"
        }
    }

    /// The name of one record of a table, as people say it.
    static func singular(_ entity: String) -> String {
        switch entity {
        case "people": return "person"
        case "parties": return "party"
        case "agenda_items": return "item"
        case "track_members": return "member"
        case "track_agenda": return "agenda entry"
        case "commitment_updates": return "update of"
        case "commitment_beneficiaries": return "beneficiary of"
        case "follow_ups": return "follow-up"
        default:
            let name = entity.replacingOccurrences(of: "_", with: " ")
            return name.hasSuffix("s") ? String(name.dropLast()) : name
        }
    }

    /// What the running transaction changed after change number `after`, oldest first, without the updates a
    /// record added in the same transaction went through (it is new: its fields are its first values).
    static func recorded(after: Int64, on connection: Connection) throws -> [ImportChange] {
        let rows = try connection.query(
            """
            select entity, coalesce(code, row_id) as code, row_id, operation, field, old_value, new_value
              from parley.changes_in_this_transaction($1)
            """, [after])
        var changes: [ImportChange] = []
        var added = Set<String>()
        for row in rows {
            let change = ImportChange(
                entity: try row.decode("entity", as: String.self), code: try row.decode("code", as: String.self),
                rowID: try row.decode("row_id", as: String.self), operation: try row.decode("operation", as: String.self),
                field: try row.decode("field", as: String?.self), oldValue: try row.decode("old_value", as: String?.self),
                newValue: try row.decode("new_value", as: String?.self))
            let key = change.entity + "\u{1F}" + change.rowID
            switch change.operation {
            case "insert": added.insert(key)
            case "update" where added.contains(key): continue
            default: break
            }
            changes.append(change)
        }
        return changes
    }

    /// The number of the newest change the caller may see: changes after it are this transaction's or later.
    static func newestChange(on connection: Connection) throws -> Int64 {
        let rows = try connection.query("select coalesce((select id from parley.changes order by id desc limit 1), 0) as id")
        return try rows[0].decode("id", as: Int64.self)
    }
}
