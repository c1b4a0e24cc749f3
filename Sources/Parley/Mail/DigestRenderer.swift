import Foundation
import PQ

/// Writes a digest as an e-mail a desk officer reads in ten seconds: a subject that says what matters
/// (`[Parley] 2 overdue, 1 due tomorrow — Istanbul talks`), then the alerts in sections by severity, each with its
/// track, item, obligor, text, deadline in the track's time zone, days overdue or left, progress, the last update
/// and its source, and the psql query that shows more.
///
/// Alerts above the classification ceiling arrive without details (see `DigestEntry.details`); the digest then says
/// only that there is such an alert and which view shows it.
public struct DigestRenderer: Sendable {
    /// The sender of every digest.
    public var from: MailAddress
    /// The database's identity in Message-IDs.
    public var installation: UUID

    /// - Parameters:
    ///   - from: the From address (its domain ends every Message-ID).
    ///   - installation: the database's `parley.installation_id()`, part of every Message-ID.
    public init(from: MailAddress, installation: UUID) {
        self.from = from
        self.installation = installation
    }

    /// The whole message for `digest`, with its Message-ID (fixed by its claim, or for a preview the one a claim
    /// would fix), or else, for a digest made without the database, one derived here from its deliveries and the
    /// From domain.
    public func message(for digest: Digest) -> MailMessage {
        // The summary, subject and footer are written once for the subject, the text and the HTML (issue 17).
        let parts = Parts(self, digest)
        let to = MailAddress(displayName: digest.recipient.name, address: digest.recipient.email)
            // The database only stores addresses that pass the same rule; a fallback keeps the type total.
            ?? MailAddress(known: "invalid-recipient@invalid.invalid")
        return MailMessage(
            from: from, to: [to], subject: parts.subject, date: digest.writtenAt,
            messageID: digest.messageID
                ?? MessageID.forDeliveries(digest.deliveryIDs, installation: installation, domain: from.domain),
            body: body(for: digest, parts),
            htmlUTF8: htmlUTF8(for: digest, parts),
            attachments: digest.upcomingMeetingCodes.compactMap { code in
                if case let .attached(attachment, _)? = digest.briefs[code]?.delivery { return attachment }
                return nil
            },
            extraFields: [
                ("X-Parley-Deliveries", digest.deliveryIDs.map(String.init).joined(separator: " ")),
                ("X-Mailer", "Parley \(ParleyVersion.current)"),
            ])
    }

    /// What the subject, the text and the HTML of a digest share, written once per message.
    struct Parts {
        /// `2 overdue, 1 due tomorrow`.
        var summary: String
        var subject: String
        var footer: [String]

        init(_ renderer: DigestRenderer, _ digest: Digest) {
            summary = renderer.summary(of: digest.entries, at: digest.writtenAt)
            subject = renderer.subject(for: digest, summary: summary)
            footer = renderer.footer(digest)
        }
    }

    // MARK: - Subject

    /// `[Parley] 2 overdue, 1 due tomorrow — Istanbul talks`.
    public func subject(for digest: Digest) -> String {
        subject(for: digest, summary: summary(of: digest.entries, at: digest.writtenAt))
    }

    private func subject(for digest: Digest, summary: String) -> String {
        var subject = "[Parley] " + summary
        let tracks = trackNames(digest.entries)
        switch tracks.count {
        case 0: break
        case 1: subject += " — " + tracks[0]
        case 2: subject += " — " + tracks[0] + ", " + tracks[1]
        default: subject += " — \(tracks[0]), \(tracks[1]) and \(tracks.count - 2) more"
        }
        return subject
    }

    /// `2 overdue, 1 due tomorrow, 1 classified alert`: counts by what matters, most urgent first.
    func summary(of entries: [DigestEntry], at: Date) -> String {
        var counts: [(key: String, rank: Int, count: Int, singular: String, plural: String)] = []
        func add(_ rank: Int, _ singular: String, _ plural: String? = nil) {
            if let index = counts.firstIndex(where: { $0.key == singular }) {
                counts[index].count += 1
            } else {
                counts.append((singular, rank, 1, singular, plural ?? singular))
            }
        }
        for entry in entries {
            guard let details = entry.details else {
                add(900, "classified alert", "classified alerts")
                continue
            }
            switch entry.kind {
            case .overdue: add(0, "overdue")
            case .dueSoon:
                switch details.commitment?.daysLeft {
                case 0: add(10, "due today")
                case 1: add(11, "due tomorrow")
                case let days?: add(20 + min(days, 500), "due in \(DigestFormat.days(days))")
                case nil: add(600, "due soon")
                }
            case .followUpDue: add(12, "follow-up due", "follow-ups due")
            case .meetingOutcomeMissing: add(13, "meeting outcome missing", "meeting outcomes missing")
            case .meetingUpcoming:
                let when = meetingWhen(details, at: at)
                add(520 + min(max(meetingDaysAway(details, at: at), 0), 50), "meeting " + when, "meetings " + when)
            case .stale: add(700, "stale")
            case .resolved: add(800, "resolved")
            case .breached: add(1, "breached")
            case .agreementWithdrawal: add(2, "withdrawal from an agreement", "withdrawals from agreements")
            case .agreementSuspended: add(3, "agreement suspended", "agreements suspended")
            case .termExpired: add(4, "agreement term ended, no renewal", "agreement terms ended, no renewal")
            case .objectionDeadline:
                let when = dayWord(objectionDaysLeft(details, at: at))
                add(17, "last day to object to a renewal " + when, "last days to object to renewals " + when)
            case .termEnding:
                let days = details.agreement?.termDaysLeft
                add(18 + min(max(days ?? 500, 0), 500), "agreement term ending " + dayWord(days),
                    "agreement terms ending " + dayWord(days))
            }
        }
        return counts.sorted { $0.rank < $1.rank }
            .map { "\($0.count) \($0.count == 1 ? $0.singular : $0.plural)" }
            .joined(separator: ", ")
    }

    private func trackNames(_ entries: [DigestEntry]) -> [String] {
        var names: [String] = []
        for entry in entries {
            if let name = entry.details?.track?.name, !names.contains(name) { names.append(name) }
        }
        return names.map(BodyText.singleLine)
    }

    // MARK: - Body

    /// The plain-text body, lines separated by `\n`, wrapped at 76 characters (queries to paste excepted).
    public func body(for digest: Digest) -> String {
        body(for: digest, Parts(self, digest))
    }

    func body(for digest: Digest, _ parts: Parts) -> String {
        var lines: [String] = []
        let zone = digest.recipient.timezone
        lines += BodyText.wrap(
            "Parley alerts for \(digest.recipient.name), "
                + "\(DigestFormat.dateTime(digest.writtenAt, timezone: zone)) (\(zone))",
            first: "", rest: "")
        lines += BodyText.wrap(parts.summary + ".", first: "", rest: "")
        var number = 0
        for severity in DigestEntry.Severity.allCases.reversed() {
            let section = digest.entries.filter { $0.severity == severity }
            guard !section.isEmpty else { continue }
            lines.append("")
            let title = "\(severity.rawValue.uppercased()) (\(section.count))"
            lines.append(title)
            lines.append(String(repeating: "-", count: title.count))
            for entry in section {
                number += 1
                lines.append("")
                lines += render(entry, number: number, digest: digest)
            }
        }
        lines.append("")
        lines += parts.footer
        return lines.joined(separator: "\n") + "\n"
    }

    private static let labelWidth = 13

    /// `    Label:       value` wrapped with the value's column as hanging indent; an empty label continues the
    /// field above.
    private func field(_ label: String, _ value: String) -> [String] {
        BodyText.wrap(value, first: Self.head(label), rest: Self.fieldIndent)
    }

    /// `    Label:       `: 4 spaces and the label with its colon padded to `labelWidth`; 4 + `labelWidth` spaces for
    /// no label.
    private static func head(_ label: String) -> String {
        heads[label] ?? makeHead(label)
    }

    private static func makeHead(_ label: String) -> String {
        "    " + padded(label.isEmpty ? "" : label + ":")
    }

    /// The heads of the labels the digests use, made once (issue 17: a digest writes some twenty fields per alert);
    /// any other label is made as it comes.
    private static let heads: [String: String] = Dictionary(uniqueKeysWithValues: [
        "", "Obligor", "Commitment", "Deadline", "Progress", "Last update", "Owner", "Escalated", "When", "Where",
        "Status", "Brief", "Agreement", "Parties", "Term", "Object by", "What", "Follow-up", "To do", "Due", "About",
        "Assignee", "Alert", "See it", "More", "Acknowledge", "Done",
    ].map { ($0, makeHead($0)) })

    /// The hanging indent of a field's value: as wide as its head (4 spaces and a label padded to `labelWidth`).
    private static let fieldIndent = String(repeating: " ", count: 4 + labelWidth)

    /// A line to paste into psql: never wrapped, so that it stays one statement.
    private func query(_ label: String, _ sql: String) -> [String] {
        // A query's label is never empty: its head is a field's.
        [Self.head(label) + sql]
    }

    /// `text` cut or filled with spaces to `labelWidth` characters.
    private static func padded(_ text: String) -> String {
        let count = text.count
        return count >= labelWidth ? String(text.prefix(labelWidth)) : text + String(repeating: " ", count: labelWidth - count)
    }

    private func render(_ entry: DigestEntry, number: Int, digest: Digest) -> [String] {
        let prefix = "[\(number)] "
        let hanging = String(repeating: " ", count: 4)
        guard let details = entry.details else {
            return BodyText.wrap(
                "A \(entry.classification.rawValue.uppercased()) alert (\(DigestFormat.words(entry.kind.rawValue))): "
                    + "its details are not sent by e-mail.", first: prefix, rest: hanging)
                + query("See it", "select * from parley.alerts where id = \(entry.alertID);")
        }
        var lines = BodyText.wrap(headline(entry, details, at: digest.writtenAt), first: prefix, rest: hanging)
        let track = details.track
        let trackZone = track?.timezone ?? "UTC"
        if let commitment = details.commitment, entry.kind != .followUpDue {
            lines += field("Obligor", commitment.obligor + (commitment.beneficiaries.map { ", owed to \($0)" } ?? ""))
            lines += field("Commitment", commitment.text)
            if let dueOn = commitment.dueOn {
                var deadline = "end of \(DigestFormat.date(dueOn)) (\(trackZone))"
                if let days = commitment.daysLeft, entry.kind != .resolved && entry.kind != .breached {
                    deadline += days < 0 ? ", \(DigestFormat.days(-days)) overdue"
                        : days == 0 ? ", due today" : ", \(DigestFormat.days(days)) left"
                }
                lines += field("Deadline", deadline)
            }
            lines += field("Progress", progress(commitment))
            lines += field("Last update", lastUpdate(commitment))
            if let update = commitment.lastUpdate {
                if let note = update.note, !note.isEmpty { lines += field("", "\u{201C}\(note)\u{201D}") }
                if let source = update.source { lines += field("", "Source: \(source)") }
                if let url = update.sourceURL { lines += field("", url) }
            }
            lines += field("Owner", commitment.owner ?? "nobody; give it one with parley.update_commitment")
            if entry.escalated {
                lines += field("Escalated", "overdue long enough for the track's lead to be told too")
            }
        }
        if let meeting = details.meeting, entry.kind != .followUpDue {
            var when = DigestFormat.dateTime(meeting.startsAt, timezone: trackZone)
            if let ends = meeting.endsAt {
                let sameDay = DigestFormat.day(ends, timezone: trackZone) == DigestFormat.day(meeting.startsAt, timezone: trackZone)
                when += sameDay ? "–" + String(DigestFormat.dateTime(ends, timezone: trackZone).suffix(5))
                    : " – " + DigestFormat.dateTime(ends, timezone: trackZone)
            }
            lines += field("When", "\(when), \(trackZone)")
            if let location = meeting.location { lines += field("Where", location) }
            lines += field("Status", DigestFormat.words(meeting.status))
            if entry.kind == .meetingUpcoming { lines += field("Brief", digest.briefSentence(for: meeting.code)) }
        }
        if let agreement = details.agreement {
            lines += field("Agreement", "\(agreement.title) (\(agreement.code)), \(DigestFormat.words(agreement.kind)), "
                + DigestFormat.words(agreement.status))
            if let parties = agreement.parties { lines += field("Parties", parties) }
            if let term = agreementTerm(agreement) { lines += field("Term", term) }
            if let objectBy = agreement.objectionDeadlineOn {
                lines += field("Object by", "end of \(DigestFormat.date(objectBy)) (\(agreement.timezone)), "
                    + "or it renews automatically")
            }
            if let event = agreement.event, entry.kind == .agreementSuspended || entry.kind == .agreementWithdrawal {
                lines += field("What", event)
                if let source = agreement.eventSource { lines += field("", "Source: \(source)") }
                if let url = agreement.eventSourceURL { lines += field("", url) }
            }
        }
        if let followUp = details.followUp {
            lines += field("Follow-up", entry.subjectCode)
            lines += field("To do", followUp.note)
            lines += field("Due", "\(DigestFormat.dateTime(followUp.dueAt, timezone: digest.recipient.timezone)), "
                + digest.recipient.timezone)
            if let about = followUp.about { lines += field("About", about) }
            if let assignee = followUp.assignee { lines += field("Assignee", assignee) }
        }
        lines += query("More", moreQuery(entry, details))
        lines += field("Alert", "\(entry.alertID), to you as \(role(entry))")
        if entry.kind == .overdue {
            lines += query("Acknowledge", "select parley.acknowledge_alert(\(entry.alertID));")
        }
        if entry.kind == .followUpDue {
            lines += query("Done", "select parley.complete_follow_up(\(DigestFormat.sqlLiteral(entry.subjectCode)));")
        }
        return lines
    }

    func headline(_ entry: DigestEntry, _ details: DigestEntry.Details, at: Date) -> String {
        let commitment = details.commitment
        let what: String
        switch entry.kind {
        case .overdue:
            let days = commitment?.daysLeft.map { -$0 } ?? 0
            what = days > 0 ? "OVERDUE by \(DigestFormat.days(days))" : "OVERDUE"
        case .dueSoon:
            switch commitment?.daysLeft {
            case 0: what = "DUE TODAY"
            case 1: what = "DUE TOMORROW"
            case let days? where days < 0: what = "OVERDUE by \(DigestFormat.days(-days))"
            case let days?: what = "DUE IN \(DigestFormat.days(days).uppercased())"
            case nil: what = "DUE SOON"
            }
        case .stale:
            if let commitment, let quiet = quietSince(commitment) {
                let days = DigestFormat.daysBetween(quiet, DigestFormat.day(at, timezone: details.track?.timezone ?? "UTC"))
                what = "NO UPDATE for \(DigestFormat.days(max(days, 0)))"
            } else {
                what = "NO UPDATE for a while"
            }
        case .resolved:
            what = "RESOLVED: now \(DigestFormat.words(commitment?.status ?? "fulfilled"))"
        case .breached:
            what = "BREACHED: no more reminders"
        case .meetingUpcoming:
            what = "MEETING " + meetingWhen(details, at: at).uppercased()
        case .meetingOutcomeMissing:
            what = "NO OUTCOME RECORDED"
        case .followUpDue:
            what = "FOLLOW-UP DUE"
        case .termEnding:
            what = "AGREEMENT TERM ENDS " + dayWord(details.agreement?.termDaysLeft).uppercased()
        case .objectionDeadline:
            what = "LAST DAY TO OBJECT TO RENEWAL " + dayWord(objectionDaysLeft(details, at: at)).uppercased()
        case .termExpired:
            what = "AGREEMENT TERM ENDED, NO RENEWAL RECORDED"
        case .agreementSuspended:
            what = "AGREEMENT SUSPENDED"
        case .agreementWithdrawal:
            what = "WITHDRAWAL FROM AN AGREEMENT"
        }
        var context: [String] = []
        if let track = details.track { context.append(track.name) }
        if let meeting = details.meeting, entry.kind == .meetingUpcoming || entry.kind == .meetingOutcomeMissing {
            context.append(meeting.title)
        } else if let agreement = details.agreement {
            context.append(agreement.title)
        } else if let item = details.item {
            context.append(item.title)
        }
        return ([what] + context.map(BodyText.singleLine)).joined(separator: " — ")
    }

    /// `today`, `tomorrow`, `in 5 days`, `5 days ago`; `soon` when unknown.
    func dayWord(_ days: Int?) -> String {
        guard let days else { return "soon" }
        switch days {
        case 0: return "today"
        case 1: return "tomorrow"
        case ..<0: return "\(DigestFormat.days(-days)) ago"
        default: return "in \(DigestFormat.days(days))"
        }
    }

    /// Days from `at` to the last day to object to an agreement's renewal, on the agreement's clock.
    func objectionDaysLeft(_ details: DigestEntry.Details, at: Date) -> Int? {
        guard let agreement = details.agreement, let deadline = agreement.objectionDeadlineOn else { return nil }
        return DigestFormat.daysBetween(DigestFormat.day(at, timezone: agreement.timezone), deadline)
    }

    /// `term 2, last day Tue 30 Jun 2025 (Europe/Istanbul), 6 days left; renews by decision`.
    func agreementTerm(_ agreement: DigestEntry.Agreement) -> String? {
        guard let number = agreement.termNumber else { return nil }
        var text = "term \(number)"
        if let endsOn = agreement.termEndsOn {
            text += ", last day \(DigestFormat.date(endsOn)) (\(agreement.timezone))"
            if let days = agreement.termDaysLeft {
                text += days < 0 ? ", ended \(DigestFormat.days(-days)) ago"
                    : days == 0 ? ", ends today" : ", \(DigestFormat.days(days)) left"
            }
        } else {
            text += ", open-ended"
        }
        if let renewal = agreement.renewal { text += "; renews " + (renewal == "automatic" ? "automatically" : renewal) }
        return text
    }

    func quietSince(_ commitment: DigestEntry.Commitment) -> CalendarDate? {
        [commitment.madeOn, commitment.lastUpdate?.reportedOn, commitment.statusChangedOn].compactMap { $0 }.max()
    }

    /// When the meeting starts, seen from `at`: within a day in hours (`in 20 hours`, `in 40 minutes`), since a
    /// meeting recorded at short notice is announced at once and "tomorrow" could then mean 20 hours or 40;
    /// further off in days on the track's calendar (`tomorrow`, `in 3 days`).
    private func meetingWhen(_ details: DigestEntry.Details, at: Date) -> String {
        if let startsAt = details.meeting?.startsAt {
            let seconds = startsAt.timeIntervalSince(at)
            if seconds > 0 && seconds < 86_400 {
                let minutes = max(Int((seconds / 60).rounded()), 1)
                if minutes < 60 { return minutes == 1 ? "in 1 minute" : "in \(minutes) minutes" }
                let hours = Int((seconds / 3_600).rounded())
                return hours == 1 ? "in 1 hour" : "in \(hours) hours"
            }
        }
        let days = meetingDaysAway(details, at: at)
        return days <= 0 ? "today" : days == 1 ? "tomorrow" : "in \(DigestFormat.days(days))"
    }

    /// Days from `at` to the meeting's start, counted on the track's calendar.
    func meetingDaysAway(_ details: DigestEntry.Details, at: Date) -> Int {
        guard let meeting = details.meeting else { return 0 }
        let zone = details.track?.timezone ?? "UTC"
        return DigestFormat.daysBetween(
            DigestFormat.day(at, timezone: zone), DigestFormat.day(meeting.startsAt, timezone: zone))
    }

    func progress(_ commitment: DigestEntry.Commitment) -> String {
        let unit = commitment.unit.map { " " + BodyText.singleLine($0) } ?? ""
        var text: String
        if let target = commitment.target {
            text = "\(DigestFormat.number(commitment.delivered)) of \(DigestFormat.number(target))\(unit)"
            if let percent = commitment.progressPercent { text += " (\(DigestFormat.number(percent)) %)" }
        } else if commitment.delivered > 0 {
            text = "\(DigestFormat.number(commitment.delivered))\(unit) delivered"
        } else {
            text = "no quantity promised"
        }
        return text + "; status " + DigestFormat.words(commitment.status)
    }

    func lastUpdate(_ commitment: DigestEntry.Commitment) -> String {
        guard let update = commitment.lastUpdate else {
            return "none recorded" + (commitment.madeOn.map { " since it was made on \(DigestFormat.date($0))" } ?? "")
        }
        var parts = [DigestFormat.date(update.reportedOn)]
        if let delivered = update.delivered { parts.append("\(DigestFormat.number(delivered)) delivered") }
        if let status = update.newStatus { parts.append("now \(DigestFormat.words(status))") }
        if let party = update.reportedBy { parts.append("reported by \(party)") }
        if let verification = update.verification {
            parts.append(verification == "unverified" ? "unverified" : "verified by \(DigestFormat.words(verification))")
        }
        return parts.joined(separator: ", ")
    }

    func moreQuery(_ entry: DigestEntry, _ details: DigestEntry.Details) -> String {
        let code = DigestFormat.sqlLiteral(entry.subjectCode)
        switch entry.kind {
        case .dueSoon, .overdue, .stale:
            return "select * from parley.open_commitments where code = \(code);"
        case .resolved, .breached:
            return "select * from parley.timeline where ref = \(code);"
        case .meetingUpcoming:
            return "select * from parley.upcoming_meetings where meeting = \(code);"
        case .meetingOutcomeMissing:
            return "select parley.record_meeting_outcome(meeting => \(code), outcome => '...');"
        case .termEnding, .objectionDeadline, .termExpired:
            return "select * from parley.agreement_terms where agreement = \(code);"
        case .agreementSuspended, .agreementWithdrawal:
            return "select * from parley.agreement_parties where agreement = \(code);"
        case .followUpDue:
            // Staff know a follow-up by its code; one recorded without a code is known as F and its number.
            if entry.subjectCode == "F\(entry.subjectID)" {
                return "select * from parley.follow_ups where coalesce(code, 'F' || id) = \(code);"
            }
            return "select * from parley.follow_ups where code = \(code);"
        }
    }

    func role(_ entry: DigestEntry) -> String {
        switch entry.reason {
        case "responsible":
            switch entry.subjectType {
            case "commitment": return "its owner"
            case "follow_up": return "its assignee"
            case "agreement": return "the one who follows the agreement"
            default: return "the track's lead"
            }
        case "escalation": return "the track's lead (escalated)"
        case "subscription": return "a subscriber"
        case "alerted about overdue": return "one told it was overdue"
        default: return DigestFormat.words(entry.reason)
        }
    }

    func footer(_ digest: Digest) -> [String] {
        let email = DigestFormat.sqlLiteral(digest.recipient.email)
        let example = digest.entries.first { $0.details != nil && $0.kind == .overdue } ?? digest.entries.first
        let alert = example.map { String($0.alertID) } ?? "42"
        var lines = ["-- "]
        lines += BodyText.wrap(
            "Sent by Parley \(ParleyVersion.current) (deliveries \(digest.deliveryIDs.map(String.init).joined(separator: ", "))). "
                + "In psql you can acknowledge an alert (no more repeats), snooze it, or silence a track for a while:",
            first: "", rest: "")
        lines.append("  select parley.acknowledge_alert(\(alert), note => 'in hand');")
        lines.append("  select parley.snooze_alert(\(alert), until => now() + interval '2 days');")
        if let track = digest.entries.compactMap({ $0.details?.track?.code }).first {
            lines.append("  select parley.silence(track => \(DigestFormat.sqlLiteral(track)), "
                + "until => now() + interval '3 days', reason => 'round in progress');")
        }
        lines.append("  select * from parley.alert_queue where recipient_email = \(email);")
        return lines
    }
}
