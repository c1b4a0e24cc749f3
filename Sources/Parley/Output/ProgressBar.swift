import Foundation

/// A progress bar on standard error for long work, drawn only when standard error is a terminal (never in cron
/// mail or a log): `importing [##########----------]  52%  10,400/20,000`.
public final class ProgressBar {
    private let label: String
    private let isVisible: Bool
    private var lastDrawn = -1

    /// - Parameters:
    ///   - label: what is being done, e.g. `importing`.
    ///   - total: how many steps make 100 %.
    ///   - minimumTotal: below this many steps no bar is drawn (short work needs none).
    public init(label: String, total: Int, minimumTotal: Int = 2000) {
        self.label = label
        isVisible = total >= minimumTotal && isatty(STDERR_FILENO) == 1
    }

    /// Redraws the bar for `done` of `total` steps.
    public func update(done: Int, total: Int) {
        guard isVisible, total > 0 else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent / 5
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled)
        let text = "\r\(label) [\(bar)] \(String(percent).leftPadded(to: 3))%  \(done)/\(total)"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Ends the bar's line, so that what is printed next starts on a line of its own.
    public func finish() {
        guard isVisible, lastDrawn >= 0 else { return }
        lastDrawn = -1
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
