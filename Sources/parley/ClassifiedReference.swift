import Parley

/// A reference to a classified record as staff type it: its code, or `code@level` when the code names records at
/// several levels the login may see. Codes are unique per classification level (README, "Access"): a writer cleared
/// lower may record a code already used above, and those cleared for both then see two records with one code. The
/// recording functions take the same form (parley_data.split_reference).
struct ClassifiedReference {
    let code: String
    /// The level the reference names; nil when it names a code alone.
    let level: Classification?
    /// As typed, for messages.
    let text: String

    /// Parses `text`; refuses a level after @ that is not a classification, naming `field`.
    init(_ text: String, field: String) throws {
        self.text = text
        guard let at = text.firstIndex(of: "@") else {
            code = text
            level = nil
            return
        }
        code = String(text[..<at])
        let suffix = String(text[text.index(after: at)...])
        guard let level = Classification(rawValue: suffix) else {
            throw InputRefusal(
                message: "\(field) \"\(text)\" names the classification \"\(suffix)\", which is none of "
                    + Classification.allCases.map(\.rawValue).joined(separator: ", "),
                hint: "Write the code alone, or the code, @ and a classification: \(code)@secret.")
        }
        self.level = level
    }

    /// The one row of `listing` (rows of a view filtered by this reference's code and level, with a column
    /// `levelColumn`) that the reference names: refuses none ("does not exist", exactly as for a code the login
    /// may not see) and several (a code alone that names records at several visible levels).
    func single(in listing: Listing, kind: String, levelColumn: String = "classification",
                hint: String) throws -> [String?] {
        guard let first = listing.rows.first else {
            throw InputRefusal(message: "\(kind) \"\(text)\" does not exist", hint: hint)
        }
        guard listing.rows.count > 1 else { return first }
        let levels = listing.columns.firstIndex(of: levelColumn).map { column in
            listing.rows.compactMap { $0[column] }
        } ?? []
        throw InputRefusal(
            message: "\(kind) \"\(text)\" names \(listing.rows.count) \(kind)s, one at each of "
                + levels.joined(separator: ", "),
            hint: "Say which: " + levels.map { "\"\(code)@\($0)\"" }.joined(separator: " or ") + ".")
    }
}

extension ListingQuery {
    /// Keeps the rows the reference names: `codeColumn` equal to its code and, when it names a level,
    /// `levelColumn` equal to that level.
    mutating func naming(_ reference: ClassifiedReference, codeColumn: String,
                         levelColumn: String = "classification") {
        equal(codeColumn, reference.code)
        equal(levelColumn, reference.level?.rawValue)
    }
}
