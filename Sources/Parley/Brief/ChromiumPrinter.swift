import Foundation

/// Prints an HTML file to PDF (or takes a PNG screenshot of it) with headless Chromium, the way a person would
/// print from the browser: `chromium --headless --print-to-pdf`.
///
/// Chromium runs with a profile of its own in a temporary directory (never the user's), without the page's
/// default header and footer (the brief carries its own marking), in a process group of its own that is killed
/// whole when it takes longer than `timeout`. As root it needs `--no-sandbox` (its sandbox refuses root).
public struct ChromiumPrinter: Sendable {
    /// The Chromium (or Chrome) executable.
    public let executable: String
    public var timeout: Duration

    /// Where Chromium is looked for: `PARLEY_CHROMIUM` when set, else these names on `PATH`.
    public static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    public init(executable: String, timeout: Duration = .seconds(120)) {
        self.executable = executable
        self.timeout = timeout
    }

    /// Finds Chromium.
    ///
    /// - Throws: `ChromiumError.notInstalled`, saying how to install it.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ChromiumPrinter {
        if let path = environment["PARLEY_CHROMIUM"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw ChromiumError.notInstalled("PARLEY_CHROMIUM is \(path), which is not an executable file")
            }
            return ChromiumPrinter(executable: path)
        }
        let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in candidates {
            for directory in directories {
                let path = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: path) { return ChromiumPrinter(executable: path) }
            }
        }
        throw ChromiumError.notInstalled("no \(candidates.joined(separator: ", ")) on PATH")
    }

    /// Prints the HTML document `html` to a PDF file at `pdf` (A4, as the document's style sheet asks).
    public func printPDF(html: String, to pdf: URL) throws {
        try run(html: html, output: pdf, mode: ["--no-pdf-header-footer", "--print-to-pdf=" + pdf.path])
    }

    /// Takes a screenshot of the document's first `height` pixels, `width` wide, as a PNG file.
    public func screenshot(html: String, to png: URL, width: Int = 1000, height: Int = 1400) throws {
        try run(html: html, output: png, mode: ["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=" + png.path])
    }

    private func run(html: String, output: URL, mode: [String]) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("parley-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let page = scratch.appendingPathComponent("page.html")
        try Data(html.utf8).write(to: page)
        let log = scratch.appendingPathComponent("chromium.log")
        try? FileManager.default.removeItem(at: output)

        var arguments = [executable, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                         "--disable-extensions", "--disable-background-networking", "--disable-sync",
                         "--user-data-dir=" + scratch.appendingPathComponent("profile").path]
        if geteuid() == 0 { arguments.append("--no-sandbox") }
        arguments += mode + [page.absoluteString]

        let status = try ChildProcess.run(arguments, log: log, timeout: timeout)
        let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let exists = FileManager.default.fileExists(atPath: output.path)
        switch status {
        case .timedOut:
            throw ChromiumError.failed("\(executable) did not finish within \(timeout.components.seconds) s and was stopped")
        case .signalled(let signal):
            throw ChromiumError.failed("\(executable) was killed by signal \(signal): \(Self.lastLines(said))")
        case .exited(let code) where code != 0 || !exists:
            throw ChromiumError.failed("\(executable) exited with status \(code) without writing \(output.lastPathComponent): \(Self.lastLines(said))")
        case .exited:
            break
        }
    }

    /// The end of what Chromium said, as one line.
    static func lastLines(_ text: String) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.suffix(3).joined(separator: " / ").prefix(400).description
    }
}

/// Why a brief could not be printed.
public enum ChromiumError: Error, CustomStringConvertible, Equatable {
    /// No Chromium to print with (exit status 69, EX_UNAVAILABLE).
    case notInstalled(String)
    /// Chromium ran and failed (exit status 70), or took too long (75).
    case failed(String)

    public var description: String {
        switch self {
        case let .notInstalled(why):
            return "--pdf prints through headless Chromium, which is not installed (\(why)). Install it with "
                + "`apt-get install chromium` as root (Debian; `chromium-browser` on Ubuntu), or set PARLEY_CHROMIUM to a "
                + "Chromium or Chrome binary. Without --pdf, parley brief writes HTML, which any browser prints."
        case let .failed(what):
            return "printing the brief failed: " + what
        }
    }

    public var exitStatus: Int32 {
        switch self {
        case .notInstalled: return Sysexits.unavailable
        case let .failed(what): return what.contains("did not finish") ? Sysexits.temporaryFailure : Sysexits.software
        }
    }
}

/// A program run in a process group of its own with its output to a file, killed whole after a timeout.
enum ChildProcess {
    enum Status: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    static func run(_ arguments: [String], log: URL, timeout: Duration) throws -> Status {
        let fd = open(log.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ChromiumError.failed("cannot create \(log.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fd, 1)
        posix_spawn_file_actions_adddup2(&actions, fd, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Nothing of the database's settings (a URL may carry a password) reaches the browser.
        let environment: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("PG") && $0.key != "PARLEY_DATABASE_URL" }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environment)
        guard result == 0 else {
            throw ChromiumError.failed("cannot run \(arguments[0]): \(String(cString: strerror(result)))")
        }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                // Whatever it left behind in its group goes with it.
                kill(-pid, SIGKILL)
                let signal = status & 0x7f
                return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
            }
            if reaped < 0 && errno != EINTR { return .exited(127) }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            usleep(20_000)
        }
    }
}
