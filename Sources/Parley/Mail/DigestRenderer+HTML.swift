import Foundation
import PQ

extension DigestRenderer {
    /// The HTML part of a digest, from the same data as the text part: a table per severity, one row per alert,
    /// with the commitment, who owes whom, the deadline in the reader's time zone, progress, and the query and
    /// command to act on it. Every piece of data goes through `HTML` (escaped, isolated for right-to-left text);
    /// nothing is loaded from elsewhere and there is no script.
    public func html(for digest: Digest) -> String {
        html(for: digest, Parts(self, digest))
    }

    func html(for digest: Digest, _ parts: Parts) -> String {
        String(decoding: htmlUTF8(for: digest, parts), as: UTF8.self)
    }

    /// `html(for:)` as UTF-8, as the message encodes it.
    func htmlUTF8(for digest: Digest, _ parts: Parts) -> [UInt8] {
        let zone = digest.recipient.timezone
        var body: [HTML] = [
            .element("h1", text: "Parley alerts for \(BodyText.singleLine(digest.recipient.name))"),
            .element("p", [.class("meta")], text:
                "\(DigestFormat.dateTime(digest.writtenAt, timezone: zone)) (\(zone)). "
                + parts.summary + "."),
        ]
        var number = 0
        for severity in DigestEntry.Severity.allCases.reversed() {
            let section = digest.entries.filter { $0.severity == severity }
            guard !section.isEmpty else { continue }
            body.append(.element("h2", [.class("severity-\(severity.rawValue)")],
                                 text: "\(severity.rawValue.uppercased()) (\(section.count))"))
            var rows: [HTML] = []
            for entry in section {
                number += 1
                rows.append(row(entry, number: number, digest: digest))
            }
            // Fixed columns, so that a long word wraps in its cell instead of widening the mail; what to do
            // about an alert is a row of its own under it, as wide as the table, for queries to stay readable.
            body.append(.element("table", [.class("alerts")], [
                .element("colgroup", [], [4, 24, 30, 18, 24].map { .void("col", [Attribute("style", "width:\($0)%")]) }),
                .element("thead", [], [.element("tr", [], [
                    .element("th", text: "#"), .element("th", text: "Alert"),
                    .element("th", text: "Commitment or subject, who owes whom"),
                    .element("th", text: "Deadline (your time, \(zone))"), .element("th", text: "Progress"),
                ])]),
                .element("tbody", [], rows),
            ]))
        }
        let footerLines = parts.footer
        body.append(.element("div", [.class("footer")], [
            .element("p", text: footerLines.dropFirst().prefix { !$0.hasPrefix("  ") }.joined(separator: " ")),
            .element("pre", [], [.text(footerLines.filter { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }.joined(separator: "\n"))]),
        ]))
        return HTML.documentUTF8(title: parts.subject, style: Self.mailStyle, body: body)
    }

    private func cell(_ parts: [HTML]) -> HTML { .element("td", [], parts) }
    private func line(_ parts: HTML...) -> HTML { .element("div", [], parts) }
    private func labelled(_ label: String, _ value: HTML) -> HTML {
        .element("div", [], [.element("span", [.class("label")], text: label + ": "), value])
    }

    private func row(_ entry: DigestEntry, number: Int, digest: Digest) -> HTML {
        let zone = digest.recipient.timezone
        guard let details = entry.details else {
            return .sequence([
                .element("tr", [.class("classified")], [
                    cell([.text("\(number)")]),
                    .element("td", [Attribute("colspan", "4")], [
                        .text("A \(entry.classification.rawValue.uppercased()) alert (\(DigestFormat.words(entry.kind.rawValue))): "
                              + "its details are not sent by e-mail."),
                    ]),
                ]),
                actRow([line(.code("select * from parley.alerts where id = \(entry.alertID);"))]),
            ])
        }
        let trackZone = details.track?.timezone ?? "UTC"
        var subject: [HTML] = []
        var owes: [HTML] = [.text("—")]
        var deadline: [HTML] = [.text("—")]
        var progressCell: [HTML] = [.text("—")]
        var act: [HTML] = [line(.code(moreQuery(entry, details)))]

        if let commitment = details.commitment, entry.kind != .followUpDue {
            subject.append(line(.data(commitment.text)))
            subject.append(.element("div", [.class("meta")], [
                .data(commitment.code), .text(details.item == nil ? "" : " · "), .data(details.item?.title ?? ""),
            ]))
            owes = [.data(commitment.obligor), .text(" → "), .data(commitment.beneficiaries ?? "—")]
            if commitment.deadlineAt != nil || commitment.dueOn != nil {
                var parts: [HTML] = []
                if let deadlineAt = commitment.deadlineAt {
                    parts.append(line(.text(DigestFormat.dateTime(deadlineAt, timezone: zone))))
                }
                if let dueOn = commitment.dueOn {
                    parts.append(.element("div", [.class("meta")], text: "end of \(DigestFormat.date(dueOn)) in \(trackZone)"))
                }
                if let days = commitment.daysLeft, entry.kind != .resolved {
                    parts.append(.element("div", [.class(days < 0 ? "late" : "meta")], text:
                        days < 0 ? "\(DigestFormat.days(-days)) overdue" : days == 0 ? "due today" : "\(DigestFormat.days(days)) left"))
                }
                deadline = parts
            }
            var progressParts: [HTML] = []
            if let target = commitment.target, target > 0 {
                let percent = Self.percent(commitment.delivered, of: target)
                progressParts.append(.progressBar(percent: percent, label: progress(commitment)))
            } else {
                progressParts.append(line(.text(progress(commitment))))
            }
            progressParts.append(.element("div", [.class("meta")], text: "Last update: " + lastUpdate(commitment)))
            if let update = commitment.lastUpdate {
                if let note = update.note, !note.isEmpty {
                    progressParts.append(.element("div", [.class("meta")], [.text("\u{201C}"), .data(note), .text("\u{201D}")]))
                }
                if let source = update.source {
                    progressParts.append(.element("div", [.class("meta")], [
                        .text("Source: "), update.sourceURL.map { HTML.link($0, text: source) } ?? .data(source),
                    ]))
                }
            }
            progressParts.append(.element("div", [.class("meta")], [
                .text("Owner: "), .data(commitment.owner ?? "nobody; give it one with parley.update_commitment"),
            ]))
            if entry.escalated {
                progressParts.append(.element("div", [.class("late")], text: "Escalated: overdue long enough for the track's lead to be told too"))
            }
            progressCell = progressParts
            if entry.kind == .overdue {
                act.append(line(.code("select parley.acknowledge_alert(\(entry.alertID));")))
                act.append(line(.code("parley alerts ack \(entry.alertID)")))
            }
            act.append(line(.code("parley commitments show " + DigestBrief.shellWord(commitment.code))))
        }
        if let meeting = details.meeting, entry.kind != .followUpDue {
            subject.append(line(.data(meeting.title)))
            var when = DigestFormat.dateTime(meeting.startsAt, timezone: trackZone)
            if let ends = meeting.endsAt { when += " – " + DigestFormat.dateTime(ends, timezone: trackZone) }
            subject.append(.element("div", [.class("meta")], text: "\(when), \(trackZone)"))
            if let location = meeting.location { subject.append(labelled("Where", .data(location))) }
            subject.append(labelled("Status", .text(DigestFormat.words(meeting.status))))
            if entry.kind == .meetingUpcoming {
                subject.append(labelled("Brief", .text(digest.briefSentence(for: meeting.code))))
                act.append(line(.code(DigestBrief.command(meeting.code))))
            }
            deadline = [line(.text(DigestFormat.dateTime(meeting.startsAt, timezone: zone))),
                        .element("div", [.class("meta")], text: "starts")]
        }
        if let agreement = details.agreement {
            subject.append(line(.data(agreement.title)))
            subject.append(.element("div", [.class("meta")], [
                .data(agreement.code), .text(" · " + DigestFormat.words(agreement.kind) + " · "
                                             + DigestFormat.words(agreement.status)),
            ]))
            if let parties = agreement.parties { owes = [.data(parties)] }
            if let term = agreementTerm(agreement) { progressCell = [line(.data(term))] }
            if let event = agreement.event, entry.kind == .agreementSuspended || entry.kind == .agreementWithdrawal {
                subject.append(labelled("What", .data(event)))
                if let source = agreement.eventSource {
                    subject.append(.element("div", [.class("meta")], [
                        .text("Source: "), agreement.eventSourceURL.map { HTML.link($0, text: source) } ?? .data(source),
                    ]))
                }
            }
            let endsOn = entry.kind == .objectionDeadline ? agreement.objectionDeadlineOn : agreement.termEndsOn
            if let endsOn {
                var parts: [HTML] = []
                if let endAt = agreement.termEndAt, entry.kind != .objectionDeadline {
                    parts.append(line(.text(DigestFormat.dateTime(endAt, timezone: zone))))
                }
                parts.append(.element("div", [.class("meta")], text:
                    (entry.kind == .objectionDeadline ? "objections by the end of " : "end of ")
                    + "\(DigestFormat.date(endsOn)) in \(agreement.timezone)"))
                deadline = parts
            }
            act.append(line(.code("parley agreements show " + DigestBrief.shellWord(agreement.code))))
        }
        if let followUp = details.followUp {
            subject.append(line(.data(followUp.note)))
            subject.append(.element("div", [.class("meta")], [.text("Follow-up "), .data(entry.subjectCode)]))
            if let about = followUp.about { subject.append(labelled("About", .data(about))) }
            if let assignee = followUp.assignee { owes = [.data(assignee), .text(" (assignee)")] }
            deadline = [line(.text(DigestFormat.dateTime(followUp.dueAt, timezone: zone)))]
            act.append(line(.code("select parley.complete_follow_up(\(DigestFormat.sqlLiteral(entry.subjectCode)));")))
            act.append(line(.code("parley follow-ups done " + DigestBrief.shellWord(entry.subjectCode))))
        }
        let headlineCell: [HTML] = [
            .element("strong", [], [.data(headline(entry, details, at: digest.writtenAt))]),
            .element("div", [.class("meta")], text: "Alert \(entry.alertID), to you as \(role(entry))"),
        ]
        return .sequence([
            .element("tr", [], [
                cell([.text("\(number)")]), cell(headlineCell),
                cell(subject + [.element("div", [.class("owes")], [.element("span", [.class("label")], text: "Who owes whom: ")] + owes)]),
                cell(deadline), cell(progressCell),
            ]),
            actRow(act),
        ])
    }

    /// `delivered` as a percentage of `target` (positive) for the progress bar. Most commitments with a target have
    /// delivered all of it or nothing yet: those are 100 and 0 without Foundation's decimal division (issue 17: a
    /// division was some 50,000 instructions); `PercentShortcutTests` checks them against the division.
    static func percent(_ delivered: Decimal, of target: Decimal) -> Double {
        if delivered.isZero { return 0 }
        if delivered == target { return 100 }
        return dividedPercent(delivered, of: target)
    }

    /// `percent` by division, whatever the values.
    static func dividedPercent(_ delivered: Decimal, of target: Decimal) -> Double {
        NSDecimalNumber(decimal: delivered / target * 100).doubleValue
    }

    /// What to do about the alert above: the query to paste into psql and the parley command.
    private func actRow(_ lines: [HTML]) -> HTML {
        .element("tr", [.class("act")], [
            .element("td", [], []),
            .element("td", [Attribute("colspan", "4")], [.element("span", [.class("label")], text: "To act: ")] + lines),
        ])
    }

    static let mailStyle: StaticString = """
        body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 14px; color: #1d1d1f; margin: 16px; }
        h1 { font-size: 20px; margin: 0 0 4px; }
        h2 { font-size: 16px; margin: 20px 0 6px; border-bottom: 2px solid #1d1d1f; }
        h2.severity-critical { color: #9b1c1c; border-color: #9b1c1c; }
        h2.severity-warning { color: #8a4b00; border-color: #8a4b00; }
        table.alerts { border-collapse: collapse; width: 100%; table-layout: fixed; }
        tr.act td { border-top: none; background: #f8f9fb; padding-top: 2px; }
        .owes { margin-top: 4px; }
        table.alerts th, table.alerts td { border: 1px solid #c9ced6; padding: 6px 8px; text-align: left; vertical-align: top; }
        table.alerts th { background: #eef1f5; font-size: 12px; }
        td, th, div, p, pre, code { overflow-wrap: anywhere; word-break: break-word; }
        .meta { color: #50565e; font-size: 12px; }
        .late { color: #9b1c1c; font-weight: bold; font-size: 12px; }
        .label { color: #50565e; }
        code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; background: #f3f4f6; padding: 1px 3px; }
        .bar { min-width: 140px; }
        .bar-label { font-size: 12px; }
        .footer { margin-top: 24px; color: #50565e; font-size: 12px; }
        .footer pre { white-space: pre-wrap; font-size: 12px; }
        """
}
