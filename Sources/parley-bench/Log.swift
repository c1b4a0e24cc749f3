import Foundation

/// Progress lines on stderr, so that stdout carries only the table.
enum Log {
    static func say(_ line: String) {
        FileHandle.standardError.write(Data("parley-bench: \(line)\n".utf8))
    }
}
