import Foundation
import PQ

/// Writes the brief of each meeting that a run's digests announce (`meeting_upcoming`), once per meeting, and
/// decides per recipient whether it travels with their digest.
///
/// The brief is written with the mailer's login, which the service is cleared to see everything with, so it is
/// complete; it is attached only when its marking is within both the mail ceiling and the recipient's clearance
/// (`parley.people`). Otherwise, or when it cannot be written, the digest names the command that writes it, for
/// the recipient to run with their own login. A brief that fails never stops a digest.
final class DigestBriefWriter {
    private let connection: Connection
    private let ceiling: DigestEntry.Classification
    private var written: [String: (html: String, marking: DigestEntry.Classification)?] = [:]
    private var clearances: [String: DigestEntry.Classification?] = [:]

    init(connection: Connection, ceiling: DigestEntry.Classification) {
        self.connection = connection
        self.ceiling = ceiling
    }

    /// What `digest` carries or says for each meeting it announces.
    func briefs(for digest: Digest) -> [String: DigestBrief] {
        var briefs: [String: DigestBrief] = [:]
        for code in digest.upcomingMeetingCodes {
            guard let brief = brief(code) else { continue }
            let clearance = clearance(of: digest.recipient.email) ?? .unclassified
            if brief.marking <= ceiling && brief.marking <= clearance {
                let attachment = MailAttachment(
                    filename: "brief-\(code).html", contentType: "text/html; charset=utf-8", content: Data(brief.html.utf8))
                briefs[code] = DigestBrief(meetingCode: code, delivery: .attached(attachment, classification: brief.marking))
            } else {
                briefs[code] = DigestBrief(meetingCode: code, delivery: .withheld)
            }
        }
        return briefs
    }

    private func brief(_ code: String) -> (html: String, marking: DigestEntry.Classification)? {
        if let known = written[code] { return known }
        let result = try? Brief.load(.meeting(code), on: connection)
        let entry = result.map { (BriefRenderer().html($0), $0.marking) }
        written[code] = entry
        return entry
    }

    private func clearance(of email: String) -> DigestEntry.Classification? {
        if let known = clearances[email] { return known }
        let level = try? connection.query(
            "select clearance::text as clearance from parley.people where lower(email) = lower($1)", [email]
        ).first.flatMap { DigestEntry.Classification(rawValue: try $0.decode("clearance")) }
        clearances[email] = level
        return level
    }
}
