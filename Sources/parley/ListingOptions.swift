import ArgumentParser
import Parley

/// The option every listing takes.
struct ListingOptions: ParsableArguments {
    @Option(help: "How to print: table (aligned columns), csv (RFC 4180, for a spreadsheet) or json (an array of objects).")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}
