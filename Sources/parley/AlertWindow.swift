import ArgumentParser
import PQ
import Parley

/// Until when a snooze or a silence holds: `--until` a moment, or `--for` a while from now.
struct AlertWindow: ParsableArguments {
    @Option(help: "Until this moment, e.g. \"2025-06-02 09:00 Europe/Kyiv\"; without a zone or UTC offset, on the track's clock (the database's when no track is concerned).")
    var until: String?

    @Option(name: .customLong("for"), parsing: .unconditional, help: "For this long from now, e.g. \"3 days\" or \"12 hours\".")
    var duration: String?

    func validate() throws {
        if (until == nil) == (duration == nil) {
            throw ValidationError("--until: give --until MOMENT or --for DURATION (one of them).")
        }
    }

    /// The end as the database reads it, checked: exit 65 naming the option for text it cannot read. Choose the
    /// session's clock first (the track's): `--until` without an offset is read on it, and times are shown in it
    /// or in the offset `--until` was written with.
    func end(on connection: Connection) throws -> String {
        if let until {
            return try readMoments([("--until", until)], on: connection)[0] ?? until
        }
        do {
            return try connection.query("select (now() + $1::text::interval)::text as until", [duration ?? ""])[0]
                .decode("until")
        } catch let error as PQError where error.sqlState?.rawValue.hasPrefix("22") == true {
            throw InputRefusal(message: "--for: \"\(duration ?? "")\" is not a length of time",
                               hint: "Write it like \"3 days\", \"12 hours\" or \"1 week\".")
        }
    }
}
