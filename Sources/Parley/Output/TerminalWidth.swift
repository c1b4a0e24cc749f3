import Foundation

/// The width of the terminal a listing is shown on, so that a table fits it (`Listing.rendered(as:width:)`).
public enum TerminalWidth {
    /// The width when standard output is a terminal: `COLUMNS` when it is a positive number (as shells and
    /// Python's `shutil.get_terminal_size` read it), else the terminal's own size (`TIOCGWINSZ`), else 80.
    ///
    /// Nil when standard output is not a terminal (a file, a pipe, cron's mail): then nothing is cut, whatever
    /// `COLUMNS` says, so that scripts always get the whole text.
    public static func ofStandardOutput(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        if let columns = environment["COLUMNS"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
           columns > 0 {
            return columns
        }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return 80
    }
}
