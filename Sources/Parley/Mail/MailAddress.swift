/// A mailbox: an optional display name and a plain ASCII address (`Olena Kovalenko <desk@mfa.example>`).
///
/// The address follows the same rule as `parley_data.is_email` in the database: a dot-atom local part, a dotted
/// domain of letters, digits and hyphens, at most 254 characters. Such an address is safe to write into a header
/// as it is; the display name is any text and is encoded by `HeaderEncoding`.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The name shown to people, e.g. `Parley`; nil for none.
    public var displayName: String?
    /// The addr-spec, e.g. `parley@mfa.example`.
    public let address: String

    /// A mailbox from a checked address.
    ///
    /// - Returns: nil when `address` is not a plain ASCII address with a dotted domain.
    public init?(displayName: String? = nil, address: String) {
        guard Self.isValidAddress(address) else { return nil }
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
        self.address = address
    }

    /// A mailbox whose address is written in the code and known to pass the rule.
    init(known address: StaticString) {
        self.displayName = nil
        self.address = "\(address)"
    }

    /// Parses `Name <address>`, `"Name" <address>` or a bare `address`, as an operator writes `PARLEY_MAIL_FROM`.
    ///
    /// - Returns: nil when there is no valid address.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            self.init(displayName: name, address: address)
        } else {
            self.init(address: trimmed)
        }
    }

    /// The part after `@`, e.g. `mfa.example`.
    public var domain: String {
        // Every address has an @ (the initialiser refuses others).
        address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? ""
    }

    /// `Name <address>` (unencoded; for people and logs, not for headers).
    public var description: String {
        displayName.map { "\($0) <\(address)>" } ?? address
    }

    /// The rule of `parley_data.is_email`: `local@label.label…`.
    public static func isValidAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0 else { return false }
        let localSpecials = Array("!#$%&'*+/=?^_`{|}~.-".utf8)
        let local = bytes[..<at]
        guard local.allSatisfy({ isAlphanumeric($0) || localSpecials.contains($0) }) else { return false }
        let labels = bytes[(at + 1)...].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
            return isAlphanumeric(first) && isAlphanumeric(last)
                && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
