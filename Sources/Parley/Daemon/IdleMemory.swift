#if canImport(Glibc)
import Glibc
#endif

/// What parleyd gives back to the system before it sleeps (BENCHMARKS.md, figure 6: ≤ 30 MB resident when idle).
///
/// Measured on an idle leader (28 MB resident before this): 11 MB were the program's own machine code that starting
/// touched once (the Swift runtime and Foundation are linked in: the migration check, the settings, the first
/// plan's decoding), 4.5 MB the malloc heap, kept at its high-water mark after the first plan's rows were freed, and
/// the rest libpq with the libraries it loads and the stacks. So, before a sleep of a second or more:
///   * `malloc_trim(0)` returns the free heap to the system (one thread: there is a single malloc arena anyway);
///   * once, the first time, the program's code pages are dropped from its resident set (`madvise(MADV_DONTNEED)`
///     on its executable mapping; they are clean pages of the binary, read again from the page cache when next
///     run), so that what stays resident is the little code an idle loop runs.
enum IdleMemory {
    private nonisolated(unsafe) static var codeReleased = false

    /// Gives back what can be given back; cheap enough to call before every long sleep.
    static func release() {
        #if canImport(Glibc)
        if let trim = mallocTrim { _ = trim(0) }
        if !codeReleased {
            codeReleased = true
            releaseCode()
        }
        #endif
    }

    #if canImport(Glibc)
    /// glibc's malloc_trim, which Swift's Glibc module does not declare (it is in <malloc.h>).
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// Drops the resident pages of this program's executable (r-x) mappings, as listed in /proc/self/maps.
    private static func releaseCode() {
        releaseCode(named: executablePath())
    }

    private static func executablePath() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                guard let base = characters.baseAddress else { return -1 }
                return readlink("/proc/self/exe", base, characters.count)
            }
        }
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length], as: UTF8.self)
    }

    private static func releaseCode(named path: String?) {
        guard let path, let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return }
        for line in maps.split(separator: "\n") {
            // "start-end perms offset dev inode path"
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "r-xp", fields[5...].joined(separator: " ") == path else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                  end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            _ = madvise(address, Int(end - start), MADV_DONTNEED)
        }
    }
    #endif
}
