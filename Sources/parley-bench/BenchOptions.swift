import Foundation

/// The command line of `parley-bench`, as scripts/bench.sh calls it:
///
///     parley-bench SIZE --bin-dir DIR --bench-dir DIR --sql-dir DIR --work-dir DIR --results FILE
///
/// The database is reached with libpq's defaults (PGHOST, PGDATABASE, PGUSER), as a superuser on a database that
/// is migrated and empty.
struct BenchOptions {
    var size: BenchSize
    /// Where the release `parley` and `parleyd` are.
    var binDirectory: String
    /// Where bench/*.sql are.
    var benchDirectory: String
    /// The SQL the database was migrated with (the directory holding migrations/), for parleyd's schema check.
    var sqlDirectory: String
    /// A scratch directory of this run (mail files, logs, the import document).
    var workDirectory: String
    /// Where to write the JSON results.
    var resultsPath: String

    static let usage = "usage: parley-bench S|M|L --bin-dir DIR --bench-dir DIR --sql-dir DIR --work-dir DIR --results FILE"

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var positional: [String] = []
        var named: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                guard index + 1 < arguments.count else { throw BenchError("\(argument) needs a value\n\(usage)") }
                named[argument] = arguments[index + 1]
                index += 2
            } else {
                positional.append(argument)
                index += 1
            }
        }
        guard positional.count == 1, let size = BenchSize(rawValue: positional[0].uppercased()) else {
            throw BenchError("give one size, S, M or L\n\(usage)")
        }
        func required(_ name: String) throws -> String {
            guard let value = named.removeValue(forKey: name) else { throw BenchError("\(name) is required\n\(usage)") }
            return value
        }
        let options = BenchOptions(
            size: size, binDirectory: try required("--bin-dir"), benchDirectory: try required("--bench-dir"),
            sqlDirectory: try required("--sql-dir"),
            workDirectory: try required("--work-dir"), resultsPath: try required("--results"))
        if let unknown = named.keys.sorted().first { throw BenchError("unknown option \(unknown)\n\(usage)") }
        return options
    }
}
