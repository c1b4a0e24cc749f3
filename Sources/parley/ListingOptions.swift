import ArgumentParser
import Parley

/// The option every listing takes.
struct ListingOptions: ParsableArguments {
    @Option(help: "How to print: table (aligned columns; on a terminal, long text is cut short to fit its width, COLUMNS or the window's), csv (RFC 4180, for a spreadsheet) or json (an array of objects); csv and json always hold the whole text.")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}
