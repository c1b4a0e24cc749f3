import Foundation

/// Figure 6: what parleyd costs when nothing is due.
///
/// Method: parleyd (release build, `PARLEY_LOG_LEVEL=debug`, default 30 s heartbeat) leads on the L data with
/// nothing changing and nothing falling due (every alert moment of the data is on a whole hour; the window avoids
/// the hour). The window runs from one heartbeat to the heartbeat two later (≈ 60 s). Queries: the daemon counts
/// every statement it sends and logs the count with each heartbeat ("N statements sent so far"); the figure is the
/// difference between the two heartbeats over the window. CPU: utime + stime of /proc/PID/stat at both ends,
/// scaled to 60 s. RSS: VmRSS of /proc/PID/status at the end. Targets: ≤ 0.5 s CPU per 60 s, ≤ 1 query/s on
/// average, ≤ 30 MB RSS.
struct IdleFigure {
    let bench: Bench

    func measure() throws {
        guard let daemon = bench.daemon else { throw BenchError("parleyd is not running") }
        try bench.avoidHourBoundary(needing: 105)
        Log.say("figure 6: parleyd idle for two heartbeats (about 60 s)")
        let first = try nextHeartbeat(of: daemon, after: daemon.logLines.count, timeout: 45)
        let cpuStart = try daemon.cpuSeconds()
        let second = try nextHeartbeat(of: daemon, after: first.line + 1, timeout: 45)
        let third = try nextHeartbeat(of: daemon, after: second.line + 1, timeout: 45)
        let cpuEnd = try daemon.cpuSeconds()
        let rss = try daemon.residentMiB()
        let seconds = Stopwatch.seconds(third.seenAt - first.seenAt)
        let queries = third.statements - first.statements
        let cpuPerMinute = (cpuEnd - cpuStart) * 60 / seconds
        let size = bench.size.rawValue
        let window = "over \(String(format: "%.0f", seconds)) s"
        bench.add(Measurement(
            figure: 6, name: "parleyd idle: CPU per 60 s", size: size, value: cpuPerMinute, unit: "s", target: "≤ 0.5 s",
            met: cpuPerMinute <= 0.5, note: "\(String(format: "%.3f", cpuEnd - cpuStart)) s CPU \(window)"))
        bench.add(Measurement(
            figure: 6, name: "parleyd idle: queries per second", size: size, value: Double(queries) / seconds, unit: "/s",
            target: "≤ 1/s", met: Double(queries) / seconds <= 1, note: "\(queries) statements \(window)"))
        bench.add(Measurement(
            figure: 6, name: "parleyd idle: resident memory", size: size, value: rss, unit: "MiB", target: "≤ 30 MB",
            met: rss * 1.048576 <= 30))
    }

    private struct Heartbeat {
        var line: Int
        var statements: Int
        var seenAt: ContinuousClock.Instant
    }

    /// Waits for the first heartbeat line at or after line `after` of the log (polling every 10 ms).
    private func nextHeartbeat(of daemon: DaemonProcess, after: Int, timeout: Double) throws -> Heartbeat {
        let watch = Stopwatch()
        while watch.seconds < timeout {
            let lines = daemon.logLines
            if lines.count > after {
                for index in after..<lines.count {
                    if let statements = Self.statementCount(in: lines[index]) {
                        return Heartbeat(line: index, statements: statements, seenAt: .now)
                    }
                }
            }
            guard daemon.isRunning else { throw BenchError("parleyd exited; see \(daemon.logPath)") }
            usleep(10_000)
        }
        throw BenchError("no heartbeat from parleyd within \(Int(timeout)) s; see \(daemon.logPath)")
    }

    /// The count in "heartbeat as leader; 1234 statements sent so far".
    static func statementCount(in line: String) -> Int? {
        guard let range = line.range(of: " statements sent so far") else { return nil }
        return Int(line[..<range.lowerBound].split(separator: " ").last ?? "")
    }
}
