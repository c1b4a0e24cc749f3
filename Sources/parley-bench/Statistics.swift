/// Percentiles of a sample, by the nearest-rank method: p95 of 20 runs is the 19th fastest.
enum Statistics {
    /// The `p`-th percentile (0 < p ≤ 100) of `values`; 0 for an empty sample (every figure takes one at least).
    static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
