import Foundation
import CLibPQ

/// What PQ needs to know about a caller's conninfo string or URL to keep its password out of error messages.
///
/// The string itself is never stored: only the secrets to scrub from libpq's messages.
struct ConnectionString {
    /// Texts that must never appear in an error: the password as written and percent-decoded, and the whole
    /// string when it holds a password.
    private(set) var secrets: [String] = []

    /// Looks at `text`; throws `.invalidConnectionString` when libpq cannot parse it, with a message that quotes nothing
    /// of it (libpq's own parse errors quote fragments or the whole URL, password included).
    init(_ text: String) throws {
        guard !text.isEmpty else { return }
        secrets += Self.urlPasswords(in: text)
        defer {
            if !secrets.isEmpty { secrets.append(text) }
        }
        // libpq treats the "dbname" value as a connection string only when it is a URL or contains "=";
        // otherwise it is a plain database name and there is nothing to parse.
        guard Self.isExpanded(text) else { return }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &errorMessage) else {
            let libpqMessage = errorMessage.map { String(cString: $0) } ?? "out of memory"
            PQfreemem(errorMessage)
            throw PQError(kind: .invalidConnectionString, message: Self.unquoted(libpqMessage))
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                secrets.append(String(cString: value))
            }
            option += 1
        }
    }

    /// `message` with every secret replaced by `***`.
    func redacting(_ message: String) -> String {
        var text = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    /// Whether libpq expands `text` as a connection string (a URL or `key=value` pairs) rather than a database name.
    static func isExpanded(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") || text.contains("=")
    }

    /// The password of a `postgres[ql]://user:password@host` URL, as written and percent-decoded, found without
    /// libpq so that even a URL libpq rejects has its password removed.
    private static func urlPasswords(in text: String) -> [String] {
        guard let schemeEnd = text.range(of: "://") else { return [] }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return [] }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return [] }
        let password = String(userInfo[userInfo.index(after: colon)...])
        guard !password.isEmpty else { return [] }
        return [password, password.removingPercentEncoding].compactMap { $0 }
    }

    /// libpq's parse error with every double-quoted fragment replaced by `"…"`: those quote the caller's text.
    private static func unquoted(_ message: String) -> String {
        var result = ""
        var inQuote = false
        for character in message {
            if character == "\"" {
                result += inQuote ? "…\"" : "\""
                inQuote.toggle()
            } else if !inQuote {
                result.append(character)
            }
        }
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
