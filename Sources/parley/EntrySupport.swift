import ArgumentParser
import Foundation
import PQ
import Parley

/// Runs a data-entry or listing command, its errors reported as `runReportingErrors` reports them.
///
/// - Parameter role: the role the command needs: `.writer` to record, `.reader` to list and show.
func runEntry(needs role: ParleyRole, _ body: () throws -> Void) throws {
    try runReportingErrors(needs: role, body)
}

/// A connection named after the command in `pg_stat_activity`.
func connect(_ command: String) throws -> Connection {
    try Database.connect(applicationName: "parley \(command)")
}

/// A connection for a command that only reads (listings, `show`, `export`, `calendar`, `brief`): to
/// `PARLEY_READ_DATABASE_URL` when it is set (a standby), otherwise as `connect`.
func connectForReading(_ command: String) throws -> Connection {
    try Database.connect(applicationName: "parley \(command)", reading: true)
}

/// Prints what a recording function returned (the code or number of what it recorded), if anything.
func report(_ result: String?) {
    if let result { print(result) }
}

/// Prints a listing in the chosen format; a table shown on a terminal fits its width (long text cut with "…"),
/// unless `whole` (what `show` prints: the full text is what it is for).
func printListing(_ query: ListingQuery, _ options: ListingOptions, on connection: Connection, whole: Bool = false) throws {
    let width = whole ? nil : TerminalWidth.ofStandardOutput()
    print(try query.listing(on: connection).rendered(as: options.format, width: width), terminator: "")
}

/// Refuses a value that is not a day `YYYY-MM-DD`, naming the option.
func requireDate(_ value: String?, option: String) throws {
    if let value, !InputText.isDate(value) {
        throw ValidationError("\(option): \"\(value)\" is not a date; write it as YYYY-MM-DD, e.g. 2025-05-16.")
    }
}

/// Refuses a value that is not a decimal number, naming the option.
func requireNumber(_ value: String?, option: String) throws {
    if let value, InputText.number(value) == nil {
        throw ValidationError("\(option): \"\(value)\" is not a number; write it like 1000 or 12.5, without separators.")
    }
}

/// Reads the moments a user gave (each option with its value, nil when not given) on the session's clock, which the
/// caller chose first (`Connection.useClock(of:)`: the track's or the person's; a time without a UTC offset is read
/// on it), refusing a value the database cannot read as a moment with exit status 65 and the option's name.
///
/// Returns each moment as text that means the same on any clock. Then, when every moment given was written with
/// the same UTC offset or zone (`+02:00`, `Z`, `America/New_York`), the session shows times in it: a refusal that
/// repeats a time says it as the user wrote it, or else on the clock the times were read on, not in the server's.
func readMoments(_ values: [(option: String, value: String?)], on connection: Connection) throws -> [String?] {
    var moments: [String?] = []
    var offsets: [Int?] = []
    for (option, value) in values {
        guard let value else {
            moments.append(nil)
            continue
        }
        do {
            let read = try connection.readMoment(value)
            moments.append(read.moment)
            offsets.append(read.writtenOffset)
        } catch let error as PQError where error.kind == .server && error.sqlState?.rawValue.hasPrefix("22") == true {
            throw InputRefusal(
                message: "\(option): \"\(value)\" is not a date and time",
                hint: "Write it as 2025-05-16 12:30 (read on the clock of the track or person concerned), or with its UTC offset: 2025-05-16T12:30:00+03:00.")
        }
    }
    if let written = offsets.first ?? nil, offsets.allSatisfy({ $0 == written }) {
        try connection.showTimes(atOffset: written)
    }
    return moments
}
