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

/// Prints what a recording function returned (the code or number of what it recorded), if anything.
func report(_ result: String?) {
    if let result { print(result) }
}

/// Prints a listing in the chosen format.
func printListing(_ query: ListingQuery, _ options: ListingOptions, on connection: Connection) throws {
    print(try query.listing(on: connection).rendered(as: options.format), terminator: "")
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

/// Refuses a value the database cannot read as a moment, naming the option. Run it after choosing the clock
/// (`Connection.useClock(of:)`): a time without a UTC offset is read on that clock.
func requireMoment(_ value: String?, option: String, on connection: Connection) throws {
    guard let value else { return }
    do {
        try connection.query("select $1::text::timestamptz", [value])
    } catch let error as PQError where error.kind == .server && error.sqlState?.rawValue.hasPrefix("22") == true {
        throw InputRefusal(
            message: "\(option): \"\(value)\" is not a date and time",
            hint: "Write it as 2025-05-16 12:30 (read on the clock of the track or person concerned), or with its UTC offset: 2025-05-16T12:30:00+03:00.")
    }
}
