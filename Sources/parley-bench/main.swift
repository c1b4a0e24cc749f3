import Foundation

// parley-bench: the benchmark of issue 8 and BENCHMARKS.md. scripts/bench.sh builds it, starts a private
// PostgreSQL, migrates an empty database and runs this; it prints the table on stdout, progress on stderr, and
// writes the JSON results. Exit status 0 when every figure was measured, whether or not its target was met; 1 when
// the benchmark itself broke (a figure could not be measured); 64 for a bad command line.
do {
    let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
    if Bench.reusesData, Bench.chosenFigures != [5] {
        throw BenchError("PARLEY_BENCH_REUSE=1 measures figure 5 only (the others change the data): set PARLEY_BENCH_FIGURES=5")
    }
    let bench = try Bench(options: options)
    let report = bench.run()
    print(report.table)
    try report.write(to: options.resultsPath)
    for warning in report.warnings { Log.say("warning: \(warning)") }
    if !report.failures.isEmpty {
        for failure in report.failures { Log.say("BROKEN: \(failure)") }
        exit(1)
    }
} catch let error as BenchError {
    Log.say("\(error)")
    exit(64)
} catch {
    Log.say("\(error)")
    exit(1)
}
