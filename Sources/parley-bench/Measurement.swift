/// One line of the benchmark's table: what was measured, at which size, the value, the target and whether it was met.
struct Measurement: Codable, Sendable {
    /// Which figure of issue 8 (1–8) this belongs to.
    var figure: Int
    /// What was measured, e.g. "first full plan" or "open_commitments, limit 50, reader".
    var name: String
    var size: String
    /// The measured value in `unit`; nil when the measurement could not be made (see `note`).
    var value: Double?
    var unit: String
    /// The target as a sentence fragment, e.g. "≤ 50 ms"; empty when the line is information only.
    var target: String
    /// Whether the target was met; nil when there is no target or no value.
    var met: Bool?
    /// How it was measured or what else was seen (the floor, the parts of a total, a missing piece).
    var note: String?

    /// The value as the table shows it, with its unit.
    var valueText: String {
        guard let value else { return "—" }
        let number: String
        switch value {
        case 1000...: number = String(Int(value.rounded()))
        case 100..<1000: number = String(format: "%.0f", value)
        case 10..<100: number = String(format: "%.1f", value)
        default: number = String(format: "%.2f", value)
        }
        return unit.isEmpty ? number : "\(number) \(unit)"
    }

    var metText: String {
        switch met {
        case .some(true): "met"
        case .some(false): "NOT met"
        case .none: target.isEmpty ? "" : "—"
        }
    }
}
