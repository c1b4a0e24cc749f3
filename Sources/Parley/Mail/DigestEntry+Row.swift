import Foundation
import PQ

extension DigestEntry {
    /// Decodes a row of type `parley.digest_entry`.
    ///
    /// - Throws: `PQError` of kind `.decoding` when a column is missing or cannot be decoded; `MailerError` for an
    ///   alert kind, severity or classification this version does not know (the schema is newer than the program).
    public init(row: Row) throws {
        func required<T: PQDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
            try row.decode(column, as: T.self)
        }
        func optional<T: PQDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
            try row.decode(column, as: T?.self)
        }
        func enumeration<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E where E.RawValue == String {
            let text: String = try required(column)
            guard let value = E(rawValue: text) else {
                throw MailerError.unexpectedData("\(column) \(text) is unknown to this program; is the schema newer?")
            }
            return value
        }

        let recipient = Recipient(
            personID: try required("person_id"), email: try required("recipient_email"),
            name: try required("recipient_name"), timezone: try required("recipient_timezone"))
        var details: Details?
        if try required("shown", as: Bool.self) {
            var track: Track?
            if let code: String = try optional("track_code") {
                track = Track(code: code, name: try required("track_name"), timezone: try required("track_timezone"))
            }
            var item: Item?
            if let code: String = try optional("item_code") {
                item = Item(code: code, title: try required("item_title"))
            }
            var commitment: Commitment?
            if let code: String = try optional("commitment_code") {
                var update: Update?
                if let reportedOn: CalendarDate = try optional("last_update_on") {
                    update = Update(
                        reportedOn: reportedOn, note: try optional("last_update_note"),
                        newStatus: try optional("last_update_status"), delivered: try optional("last_update_delivered"),
                        verification: try optional("last_update_verification"),
                        reportedBy: try optional("last_update_reported_by"),
                        source: (try optional("last_update_source", as: String.self)).flatMap { $0.isEmpty ? nil : $0 },
                        sourceURL: try optional("last_update_source_url"))
                }
                commitment = Commitment(
                    code: code, text: try required("commitment_text"), obligor: try required("obligor"),
                    beneficiaries: try optional("beneficiaries"), madeOn: try optional("made_on"),
                    dueOn: try optional("due_on"), deadlineAt: try optional("deadline_at"),
                    daysLeft: try optional("days_left"), status: try required("commitment_status"),
                    target: try optional("target_quantity"), unit: try optional("unit"),
                    delivered: try optional("delivered_quantity") ?? 0, progressPercent: try optional("progress_pct"),
                    owner: try optional("owner_name"), statusChangedOn: try optional("status_changed_on"),
                    lastUpdate: update)
            }
            var meeting: Meeting?
            if let code: String = try optional("meeting_code") {
                meeting = Meeting(
                    code: code, title: try required("meeting_title"), startsAt: try required("meeting_starts_at"),
                    endsAt: try optional("meeting_ends_at"), location: try optional("meeting_location"),
                    status: try required("meeting_status"))
            }
            var followUp: FollowUp?
            if let note: String = try optional("follow_up_note") {
                followUp = FollowUp(
                    note: note, dueAt: try required("follow_up_due_at"), assignee: try optional("follow_up_assignee"),
                    about: try optional("follow_up_about"))
            }
            var agreement: Agreement?
            if let code: String = try optional("agreement_code") {
                agreement = Agreement(
                    code: code, title: try required("agreement_title"), kind: try required("agreement_kind"),
                    status: try required("agreement_status"), timezone: try required("agreement_timezone"),
                    parties: try optional("agreement_parties"), termNumber: try optional("term_number"),
                    termEndsOn: try optional("term_ends_on"), termEndAt: try optional("term_end_at"),
                    termDaysLeft: try optional("term_days_left"), renewal: try optional("term_renewal"),
                    objectionDeadlineOn: try optional("objection_deadline_on"), event: try optional("agreement_event"),
                    eventSource: (try optional("agreement_event_source", as: String.self)).flatMap { $0.isEmpty ? nil : $0 },
                    eventSourceURL: try optional("agreement_event_source_url"))
            }
            details = Details(track: track, item: item, commitment: commitment, meeting: meeting, followUp: followUp,
                              agreement: agreement)
        }
        self.init(
            deliveryID: try required("delivery_id"), alertID: try required("alert_id"), attempts: try required("attempts"),
            recipient: recipient, reason: try required("reason"), kind: try enumeration("kind", as: AlertKind.self),
            severity: try enumeration("severity", as: Severity.self), subjectType: try required("subject_type"),
            subjectID: try required("subject_id"), subjectCode: try required("subject_code"),
            occurrence: try required("occurrence"), dueAt: try required("due_at"), escalated: try required("escalated"),
            classification: try enumeration("classification", as: Classification.self), details: details)
    }
}
