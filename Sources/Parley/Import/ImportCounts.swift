/// How many records of one kind an import added, changed, and found as they were.
public struct ImportCounts: Codable, Sendable, Equatable {
    public var new: Int
    public var changed: Int
    public var unchanged: Int

    public init(new: Int = 0, changed: Int = 0, unchanged: Int = 0) {
        self.new = new
        self.changed = changed
        self.unchanged = unchanged
    }

    public var total: Int { new + changed + unchanged }

    public static func + (lhs: ImportCounts, rhs: ImportCounts) -> ImportCounts {
        ImportCounts(new: lhs.new + rhs.new, changed: lhs.changed + rhs.changed, unchanged: lhs.unchanged + rhs.unchanged)
    }
}
