import Foundation
import Parley

/// What a benchmark run found: the machine, the PostgreSQL it ran on, how long generating the data took, and one
/// `Measurement` per line of the table. Printed as a Markdown table and written as JSON.
struct Report: Codable {
    struct Machine: Codable {
        var cores: Int
        var memoryGiB: Double
        var os: String
    }

    struct Server: Codable {
        var version: String
        /// Settings that differ from PostgreSQL's built-in defaults (name → value), as pg_settings reports them.
        var nonDefaultSettings: [String: String]
    }

    var size: String
    /// The Parley version measured.
    var parleyVersion = ParleyVersion.current
    var startedAt: Date
    var machine: Machine
    var server: Server?
    /// Seconds each step of bench/generate.sql took, in order.
    var generationSteps: [String: Double] = [:]
    var generationSeconds: Double?
    /// Row counts of the generated data, for the record.
    var dataCounts: [String: Int] = [:]
    var measurements: [Measurement] = []
    /// Figures that could not be measured because the benchmark broke, with the error.
    var failures: [String] = []
    /// What went wrong without breaking the benchmark (e.g. the daemon did not plan what fell due).
    var warnings: [String] = []

    mutating func add(_ measurement: Measurement) {
        measurements.append(measurement)
        let note = measurement.note.map { "  (\($0))" } ?? ""
        Log.say("figure \(measurement.figure): \(measurement.name): \(measurement.valueText)"
            + (measurement.target.isEmpty ? "" : ", target \(measurement.target): \(measurement.metText)") + note)
    }

    /// The table of issue 8: figure, size, value, target, met or not; by figure, each in the order measured.
    var table: String {
        var lines = [
            "| figure | measurement | size | value | target | met |",
            "|---|---|---|---|---|---|",
        ]
        let ordered = measurements.enumerated().sorted { ($0.element.figure, $0.offset) < ($1.element.figure, $1.offset) }
        for m in ordered.map(\.element) {
            lines.append("| \(m.figure) | \(m.name) | \(m.size) | \(m.valueText) | \(m.target) | \(m.metText) |")
        }
        return lines.joined(separator: "\n")
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    static func machine() -> Machine {
        let info = ProcessInfo.processInfo
        return Machine(
            cores: info.activeProcessorCount,
            memoryGiB: (Double(info.physicalMemory) / 1_073_741_824 * 10).rounded() / 10,
            os: info.operatingSystemVersionString)
    }
}
