/// What an import did, per kind of record (people, tracks, members, agenda, commitments, updates, ...).
public struct ImportSummary: Sendable, Equatable {
    /// Counts by kind, as the database reports them.
    public var counts: [String: ImportCounts] = [:]
    /// True when the import was checked and rolled back (`--dry-run`).
    public var dryRun = false
    /// Every change, field by field, oldest first, when the import was asked to list them; empty otherwise.
    public var changes: [ImportChange] = []

    public init() {}

    /// All kinds together.
    public var total: ImportCounts {
        counts.values.reduce(ImportCounts(), +)
    }

    /// The order kinds are listed in: the order of the document.
    static let kindOrder = ["people", "parties", "sources", "items", "tracks", "members", "agenda", "agreements",
                            "meetings", "deals", "commitments", "updates", "provisions", "positions", "figures", "follow_ups", "subscriptions"]

    /// One line for a person: `demo.yaml: 152 new, 0 changed, 0 unchanged (people 4, parties 9, ...)`.
    public func line(file: String) -> String {
        let kinds = counts.keys.sorted {
            (Self.kindOrder.firstIndex(of: $0) ?? Int.max, $0) < (Self.kindOrder.firstIndex(of: $1) ?? Int.max, $1)
        }
        let touched = kinds.compactMap { kind -> String? in
            guard let count = counts[kind], count.new + count.changed > 0 else { return nil }
            return "\(kind.replacingOccurrences(of: "_", with: "-")) \(count.new + count.changed)"
        }
        let all = total
        var text = "\(file): \(all.new) new, \(all.changed) changed, \(all.unchanged) unchanged"
        if !touched.isEmpty { text += " (" + touched.joined(separator: ", ") + ")" }
        if dryRun { text += " — dry run, nothing was written" }
        return text
    }
}
