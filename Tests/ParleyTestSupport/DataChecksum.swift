import PQ

extension Connection {
    /// A fingerprint of everything recorded: every row of every data table and the length of the change history.
    /// Equal before and after a refused command means the command wrote nothing.
    public func dataChecksum() throws -> String {
        let tables = ["people", "sources", "parties", "tracks", "track_members", "meetings", "agenda_items",
                      "track_agenda", "positions", "deals", "commitments", "commitment_beneficiaries",
                      "commitment_updates", "figures", "follow_ups", "subscriptions"]
        var parts: [String] = []
        for table in tables {
            let sum: String = try query(
                "select coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from parley_data.\(table) t")[0]
                .decode(0)
            parts.append("\(table):\(sum)")
        }
        let history: Int = try query("select count(*)::int from parley_data.change_log")[0].decode(0)
        parts.append("change_log:\(history)")
        return parts.joined(separator: ";")
    }
}
