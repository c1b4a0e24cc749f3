import Foundation

/// Message-IDs that stay the same when the same deliveries are mailed again.
///
/// A retry of a digest (after a failed attempt, or after a run died between sending and marking) carries the same
/// Message-ID, so that a recipient's mail client and the MTA's duplicate suppression see one message, and the
/// `alert_log` can be matched with the mail log.
///
/// The mailer's digests are named by their claim, in SQL (`parley.digest_message_id`, the same form with an
/// MD5-based hash), and keep that name through every retry; a preview (`--dry-run`, `parley digest`) asks the same
/// function. This one names only digests made without the database (the renderer's tests).
public enum MessageID {
    /// `<parley.FIRST-LAST-COUNT.HASH@domain>`: the lowest and highest delivery id, how many, and a 64-bit FNV-1a
    /// hash of the installation and the sorted, distinct ids. Delivery ids are unique in a database, so the first
    /// three already tell its digests apart; the hash separates digests that share them, and installations
    /// (another database with the same From domain). Nothing here needs to be secret or collision-proof against
    /// an adversary, so no cryptographic hash is needed.
    ///
    /// - Parameters:
    ///   - deliveryIDs: the deliveries the message carries, in any order.
    ///   - installation: the database's `parley.installation_id()`.
    ///   - domain: the right-hand side, normally the domain of the From address.
    public static func forDeliveries(_ deliveryIDs: [Int64], installation: UUID, domain: String) -> String {
        let ids = Set(deliveryIDs).sorted()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (installation.uuidString + ":" + ids.map(String.init).joined(separator: ",")).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: 16 - hex.count) + hex
        return "<parley.\(ids.first ?? 0)-\(ids.last ?? 0)-\(ids.count).\(padded)@\(domain)>"
    }
}
