import Foundation
import PQ

/// Writes a `Brief` as one self-contained HTML file: inline CSS and SVG, no script, nothing loaded from elsewhere.
/// It reads on screen and prints on A4; the marking is at the top and bottom of every printed page (fixed
/// elements, which Chromium repeats on each page, over spacer rows that keep the text clear of them).
public struct BriefRenderer: Sendable {
    public init() {}

    /// The whole document.
    public func html(_ brief: Brief) -> String {
        var references = References(sources: brief.sources)
        let mark = brief.marking.rawValue.uppercased()
        let sections: [HTML] = [
            header(brief),
            meetingSection(brief, &references),
            agendaSection(brief, &references),
            agreementsSection(brief),
            commitmentsSection(brief, &references),
            deliveriesSection(brief),
            disputesSection(brief, &references),
            complianceSection(brief),
            followUpsSection(brief),
            timelineSection(brief, &references),
        ]
        let body: [HTML] = [
            .element("div", [.class("mark mark-top mark-\(brief.marking.rawValue)")], text: mark),
            .element("table", [.class("page")], [
                .element("thead", [], [.element("tr", [], [.element("td", [], [.element("div", [.class("mark-space")])])])]),
                .element("tfoot", [], [.element("tr", [], [.element("td", [], [.element("div", [.class("mark-space")])])])]),
                .element("tbody", [], [.element("tr", [], [.element("td", [], [
                    .element("main", [], sections + [sourcesSection(references), colophon(brief)]),
                ])])]),
            ]),
            .element("div", [.class("mark mark-bottom mark-\(brief.marking.rawValue)")], text: mark),
        ]
        return HTML.document(title: title(brief) + " — " + mark, style: Self.style, body: body)
    }

    func title(_ brief: Brief) -> String {
        if let meeting = brief.meeting, !brief.isTrackBrief { return "Brief: " + BodyText.singleLine(meeting.title) }
        return "Brief: " + BodyText.singleLine(brief.track.name) + ", as it stands"
    }

    // MARK: - Sections

    private func header(_ brief: Brief) -> HTML {
        var meta = "Written \(DigestFormat.dateTime(brief.writtenAt, timezone: "UTC")) UTC for \(brief.reader.login), "
            + "cleared \(brief.reader.clearance.rawValue): it shows only what that login may see, and is marked "
            + "\(brief.marking.rawValue.uppercased()), the highest classification of what it shows."
        if brief.isTrackBrief { meta = "The track as it stands. " + meta }
        return .element("header", [], [
            .element("h1", [], [.data(title(brief))]),
            .element("p", [.class("subtitle")], [
                .data(brief.track.name), .text(" · \(DigestFormat.words(brief.track.format)) · \(DigestFormat.words(brief.track.status))"),
                .text(brief.track.lead.map { _ in " · lead: " } ?? ""), .data(brief.track.lead ?? ""),
            ]),
            .element("p", [.class("meta")], text: meta),
        ])
    }

    private func meetingSection(_ brief: Brief, _ references: inout References) -> HTML {
        let zone = brief.track.timezone
        var rows: [HTML] = []
        if let meeting = brief.meeting {
            var when = DigestFormat.dateTime(meeting.startsAt, timezone: zone)
            if let ends = meeting.endsAt { when += " – " + DigestFormat.dateTime(ends, timezone: zone) }
            rows.append(definition(brief.isTrackBrief ? "Next meeting" : "Meeting", [.data(meeting.title), .text(" (" + meeting.code + ")")]))
            rows.append(definition("When", [.text("\(when), local time at the venue (\(zone))")]))
            rows.append(definition("UTC", [.text(DigestFormat.dateTime(meeting.startsAt, timezone: "UTC"))]))
            if let readerZone = brief.reader.timezone, readerZone != zone {
                rows.append(definition("Your time", [.text("\(DigestFormat.dateTime(meeting.startsAt, timezone: readerZone)) (\(readerZone))")]))
            }
            rows.append(definition("Where", [.data(meeting.location ?? brief.track.venue ?? "not recorded")]))
            rows.append(definition("Status", [.text(DigestFormat.words(meeting.status))]))
            if let outcome = meeting.outcome {
                rows.append(definition("Outcome", [.data(outcome), references.cite(meeting.source)]))
            }
        } else {
            rows.append(definition("Next meeting", [.text("none scheduled")]))
            if let venue = brief.track.venue { rows.append(definition("Venue", [.data(venue)])) }
        }
        if let last = brief.lastMeeting {
            var text: [HTML] = [.data(last.title), .text(", \(DigestFormat.date(CalendarDate(last.startsAt, in: TimeZone(identifier: zone) ?? .gmt)))")]
            if let outcome = last.outcome { text += [.text(": "), .data(outcome)] }
            text.append(references.cite(last.source))
            rows.append(definition("Last meeting", text))
        } else {
            rows.append(definition("Last meeting", [.text("none recorded; \u{201C}since\u{201D} below means the last 30 days")]))
        }
        let attendees: [HTML] = brief.members.map { member in
            .element("tr", [], [
                .element("td", [], [.data(member.party)]),
                .element("td", text: member.roles.map(DigestFormat.words).joined(separator: ", ")),
                .element("td", [], [.data(member.notes.joined(separator: " "))]),
            ])
        }
        return section("meeting", brief.isTrackBrief ? "The track" : "The meeting", [
            .element("dl", [.class("facts")], rows),
            .element("h3", text: "Who attends, and as what"),
            attendees.isEmpty ? .element("p", text: "No parties recorded on this track.")
                : table(["Party", "Role", "Note"], widths: [30, 25, 45], attendees),
        ])
    }

    private func agendaSection(_ brief: Brief, _ references: inout References) -> HTML {
        var parts: [HTML] = [.element("p", [.class("meta")], text:
            "Each party's current stance on each item; \u{201C}since the last meeting\u{201D} counts from \(DigestFormat.date(brief.since)).")]
        if brief.agenda.isEmpty { parts.append(.element("p", text: "Nothing is on this track's agenda.")) }
        for item in brief.agenda {
            parts.append(.element("h3", [], [
                .data(item.title), .text(" "),
                .element("span", [.class("status")], text: "\(DigestFormat.words(item.status)) since \(DigestFormat.date(item.since))"),
            ]))
            if let note = item.note { parts.append(.element("p", [.class("meta")], [.data(note)])) }
            if item.stances.isEmpty {
                parts.append(.element("p", [.class("meta")], text: "No stance recorded."))
            } else {
                let rows: [HTML] = item.stances.map { stance in
                    var change: [HTML] = []
                    if let changedOn = stance.changedOn, changedOn >= brief.since, let previous = stance.previousStance {
                        change.append(.element("strong", text: "changed from \(previous)"))
                        change.append(.text(" (held until \(stance.previousStatedOn.map(DigestFormat.date) ?? "before")); now since \(DigestFormat.date(changedOn))"))
                    } else if stance.statedOn >= brief.since {
                        change.append(.element("strong", text: "new statement"))
                    } else {
                        change.append(.text("—"))
                    }
                    return .element("tr", [], [
                        .element("td", [], [.data(stance.party)]),
                        .element("td", [.class("stance stance-\(stance.stance)")], text: stance.stance),
                        .element("td", [], text: DigestFormat.date(stance.statedOn) + (stance.track == nil ? " (generally)" : "")),
                        .element("td", [], [.data(stance.statement ?? ""), references.cite(stance.source)]),
                        .element("td", [], change),
                    ])
                }
                parts.append(table(["Party", "Stance", "Stated", "Statement", "Since the last meeting"], widths: [15, 13, 17, 35, 20], rows))
            }
            let changes = brief.timeline.filter {
                $0.item == item.code && ["status changed", "commitment made", "update recorded"].contains($0.kind)
            }
            if !changes.isEmpty {
                parts.append(.element("ul", [.class("changes")], changes.map { event in
                    .element("li", [], [.text(DigestFormat.date(event.occurredOn) + ": "), .data(event.description)])
                }))
            }
        }
        return section("agenda", "Agenda and positions", parts)
    }

    /// Agreements in force and their terms: a section of its own.
    private func agreementsSection(_ brief: Brief) -> HTML {
        guard !brief.agreements.isEmpty else {
            return section("agreements", "Agreements in force", [.element("p", [.class("meta")], text: "No agreement in force recorded on this track.")])
        }
        let rows: [HTML] = brief.agreements.map { agreement in
            .element("tr", [], [
                .element("td", [], [.data(agreement.title)]),
                .element("td", [], [.data(agreement.parties.joined(separator: ", "))]),
                .element("td", text: agreement.inForceSince.map(DigestFormat.date) ?? ""),
                .element("td", [], [.data(agreement.terms)]),
            ])
        }
        return section("agreements", "Agreements in force", [table(["Agreement", "Parties", "In force since", "Terms"], widths: [25, 20, 15, 40], rows)])
    }

    private func commitmentsSection(_ brief: Brief, _ references: inout References) -> HTML {
        let open = brief.commitments.filter(\.isOpen)
        guard !open.isEmpty else {
            return section("commitments", "Open and overdue commitments", [.element("p", text: "No open commitments.")])
        }
        let overdue = open.filter(\.overdue).count
        let rows: [HTML] = open.map { commitment in
            var due: [HTML] = [.text(commitment.dueOn.map(DigestFormat.date) ?? "no deadline")]
            if let days = commitment.daysLeft, commitment.dueOn != nil {
                due.append(.element("div", [.class(days < 0 ? "late" : "meta")], text:
                    days < 0 ? "\(DigestFormat.days(-days)) overdue" : days == 0 ? "due today" : "\(DigestFormat.days(days)) left"))
            }
            var progress: [HTML] = []
            let unit = commitment.unit.map { " " + BodyText.singleLine($0) } ?? ""
            if let target = commitment.target, target > 0 {
                let percent = BriefChart.double(commitment.delivered / target * 100)
                progress.append(.progressBar(percent: percent, label:
                    "\(DigestFormat.number(commitment.delivered)) of \(DigestFormat.number(target))\(unit) (\(String(format: "%.0f", percent)) %)"))
            }
            progress.append(.element("div", [.class("meta")], text: DigestFormat.words(commitment.status)))
            var evidence: [HTML] = []
            if let update = commitment.updates.last {
                var line = DigestFormat.date(update.reportedOn)
                if let delivered = update.delivered { line += ": \(DigestFormat.number(delivered))\(unit) delivered" }
                if let status = update.newStatus { line += ", now \(DigestFormat.words(status))" }
                evidence.append(.element("div", text: line))
                if let note = update.note { evidence.append(.element("div", [], [.text("\u{201C}"), .data(note), .text("\u{201D}")])) }
                var who: [String] = []
                if let party = update.reportedBy { who.append("reported by \(party)") }
                if let verification = update.verification {
                    who.append(verification == "unverified" ? "unverified" : "verified by \(DigestFormat.words(verification))")
                }
                evidence.append(.element("div", [.class("meta")], [.data(who.joined(separator: ", ")), references.cite(update.source)]))
            } else {
                evidence.append(.element("div", [.class("meta")], text: "No update recorded."))
            }
            return .element("tr", [.class(commitment.overdue ? "overdue" : "")], [
                .element("td", [], [
                    .element("div", [], [.data(commitment.text)]),
                    .element("div", [.class("meta")], [.data(commitment.code), .text(" · "), .data(commitment.item),
                                                       .text(commitment.owner == nil ? "" : " · owner: "), .data(commitment.owner ?? "")]),
                ]),
                .element("td", [], [.data(commitment.obligor), .text(" → "), .data(commitment.beneficiaries.joined(separator: ", "))]),
                .element("td", [], due),
                .element("td", [], progress),
                .element("td", [], evidence),
            ])
        }
        return section("commitments", "Open and overdue commitments", [
            .element("p", [.class("meta")], text: "\(open.count) open, \(overdue) overdue. Deadlines are the end of the day on the track's clock (\(brief.track.timezone))."),
            table(["Commitment", "Who owes whom", "Due", "Progress", "Last update and its evidence"], widths: [30, 15, 14, 18, 23], rows),
        ])
    }

    private func deliveriesSection(_ brief: Brief) -> HTML {
        let charted = brief.commitments
            .filter { $0.target != nil && $0.updates.contains { ($0.delivered ?? 0) != 0 } }
            .sorted { ($0.isOpen ? 0 : 1, $1.updates.last?.reportedOn ?? CalendarDate(year: 1, month: 1, day: 1))
                < ($1.isOpen ? 0 : 1, $0.updates.last?.reportedOn ?? CalendarDate(year: 1, month: 1, day: 1)) }
            .prefix(8)
        guard !charted.isEmpty else {
            return section("deliveries", "Deliveries against target", [.element("p", [.class("meta")], text: "No deliveries recorded against a quantity.")])
        }
        let figures: [HTML] = charted.compactMap { commitment in
            guard let chart = BriefChart.deliveries(commitment) else { return nil }
            return .element("figure", [.class("chart-box")], [
                chart,
                .element("figcaption", [], [
                    .element("strong", [], [.data(commitment.code)]), .text(": "), .data(commitment.obligor), .text(" → "),
                    .data(commitment.beneficiaries.joined(separator: ", ")), .text(". "), .data(commitment.text),
                ]),
            ])
        }
        return section("deliveries", "Deliveries against target", [
            .element("p", [.class("meta")], text: "Cumulative deliveries by the date each stage was reported; the dashed line is the target, the dotted line the deadline."),
            .element("div", [.class("charts")], figures),
        ])
    }

    private func disputesSection(_ brief: Brief, _ references: inout References) -> HTML {
        guard !brief.disputes.isEmpty else {
            return section("figures", "Disputed figures", [.element("p", [.class("meta")], text: "No figures on this track's items are disputed.")])
        }
        var figures: [HTML] = []
        for dispute in brief.disputes {
            let claims: [HTML] = dispute.claims.map { claim in
                .element("li", [], [
                    .data(claim.claimant ?? claim.sourceTitle ?? "unattributed"), .text(": \(DigestFormat.number(claim.value))"),
                    .text(claim.unit.map { " " + BodyText.singleLine($0) } ?? ""),
                    .text(" as of \(DigestFormat.date(claim.asOf)), \(claim.confidence)"),
                    .text(claim.note == nil ? "" : " — "), .data(claim.note ?? ""), references.cite(claim.source),
                ])
            }
            figures.append(.element("figure", [.class("chart-box")], [
                BriefChart.range(dispute),
                .element("figcaption", [], [.element("strong", [], [.data(dispute.indicator)]), .element("ul", [], claims)]),
            ]))
        }
        return section("figures", "Disputed figures", [
            .element("p", [.class("meta")], text: "Each claimant's latest figure; the shaded band is the range between the lowest and the highest claim."),
            .element("div", [.class("charts")], figures),
        ])
    }

    private func complianceSection(_ brief: Brief) -> HTML {
        guard !brief.compliance.isEmpty else {
            return section("compliance", "Compliance per party", [.element("p", [.class("meta")], text: "No commitments recorded on this track.")])
        }
        let rows: [HTML] = brief.compliance.map { row in
            let score: HTML = row.scorePercent.map { percent in
                HTML.progressBar(percent: BriefChart.double(percent), label: "\(DigestFormat.number(percent)) %")
            } ?? .element("span", [.class("meta")], text: "nothing assessed yet")
            return .element("tr", [], [
                .element("td", [], [.data(row.party)]),
                .element("td", [.class("number")], text: "\(row.made)"),
                .element("td", [.class("number")], text: "\(row.fulfilled)"),
                .element("td", [.class("number")], text: "\(row.partiallyFulfilled)"),
                .element("td", [.class("number")], text: "\(row.breached)"),
                .element("td", [.class("number")], text: "\(row.open)"),
                .element("td", [], [score]),
                .element("td", [.class("number")], text: row.onTimePercent.map { DigestFormat.number($0) + " %" } ?? "—"),
            ])
        }
        return section("compliance", "Compliance per party", [
            .element("p", [.class("meta")], text: "Commitments on this track. Score on the G7/G20 Research Group scale: fulfilled +1, partially 0, breached −1, averaged and shown from 0 % (all breached) to 100 % (all kept)."),
            table(["Party", "Made", "Fulfilled", "Partly", "Breached", "Open", "Score", "On time"], widths: [20, 8, 10, 8, 10, 8, 26, 10], rows),
        ])
    }

    private func followUpsSection(_ brief: Brief) -> HTML {
        guard !brief.followUps.isEmpty else {
            return section("follow-ups", "Follow-ups due", [.element("p", [.class("meta")], text: "No open follow-ups on this track.")])
        }
        let zone = brief.reader.timezone ?? brief.track.timezone
        let rows: [HTML] = brief.followUps.map { followUp in
            .element("tr", [.class(followUp.overdue ? "overdue" : "")], [
                .element("td", [], [
                    .text(DigestFormat.dateTime(followUp.dueAt, timezone: zone)),
                    .element("div", [.class(followUp.overdue ? "late" : "meta")], text: followUp.overdue ? "overdue" : zone),
                ]),
                .element("td", [], [.data(followUp.note), .element("div", [.class("meta")], [.data(followUp.code)])]),
                .element("td", [], [.data(followUp.about)]),
                .element("td", [], [.data(followUp.assignee)]),
            ])
        }
        return section("follow-ups", "Follow-ups due", [table(["Due", "Follow-up", "About", "Assignee"], widths: [20, 40, 20, 20], rows)])
    }

    private func timelineSection(_ brief: Brief, _ references: inout References) -> HTML {
        let heading = "Since the last meeting"
        var parts: [HTML] = [.element("p", [.class("meta")], text:
            "From \(DigestFormat.date(brief.since)) on, oldest first."
            + (brief.timelineCut ? " Only the latest \(Brief.timelineLimit) events are listed; parley.timeline has them all." : ""))]
        if brief.timeline.isEmpty {
            parts.append(.element("p", text: "Nothing recorded since."))
        } else {
            let rows: [HTML] = brief.timeline.map { event in
                .element("tr", [], [
                    .element("td", [], text: DigestFormat.date(event.occurredOn)),
                    .element("td", [], text: event.kind),
                    .element("td", [], [.data(event.description), references.cite(title: event.sourceTitle, url: event.sourceURL)]),
                ])
            }
            parts.append(table(["Date", "What", "Description"], widths: [17, 16, 67], rows))
        }
        return section("timeline", heading, parts)
    }

    private func sourcesSection(_ references: References) -> HTML {
        guard !references.cited.isEmpty else {
            return section("sources", "Sources", [.element("p", [.class("meta")], text: "Nothing shown cites a source.")])
        }
        return section("sources", "Sources", [.element("ol", [.class("sources")], references.cited.enumerated().map { index, source in
            var parts: [HTML] = [.data(source.title)]
            if let publisher = source.publisher { parts += [.text(", "), .data(publisher)] }
            if let day = source.publishedOn { parts.append(.text(", \(DigestFormat.date(day))")) }
            if let url = source.url { parts += [.text(". "), .link(url)] }
            return .element("li", [Attribute("id", "source-\(index + 1)")], parts)
        })])
    }

    private func colophon(_ brief: Brief) -> HTML {
        .element("footer", [.class("meta")], text:
            "Written by parley brief (Parley \(ParleyVersion.current)) from the staff views of schema parley, as the login "
            + "\(brief.reader.login) sees them. Every fact is marked with the classification of the row it comes from; "
            + "this brief is marked with the highest of them.")
    }

    // MARK: - Pieces

    private func section(_ id: StaticString, _ title: String, _ content: [HTML]) -> HTML {
        .element("section", [Attribute("id", id.description)], [.element("h2", text: title)] + content)
    }

    private func definition(_ term: String, _ value: [HTML]) -> HTML {
        .sequence([.element("dt", text: term), .element("dd", [], value)])
    }

    /// A table of fixed column widths (percent): long words wrap inside their column instead of widening the page.
    private func table(_ headings: [String], widths: [Int], _ rows: [HTML]) -> HTML {
        .element("table", [.class("grid")], [
            .element("colgroup", [], widths.map { .void("col", [Attribute("style", "width:\($0)%")]) }),
            .element("thead", [], [.element("tr", [], headings.map { .element("th", text: $0) })]),
            .element("tbody", [], rows),
        ])
    }

    /// Numbered references to sources, in the order they are first cited.
    struct References {
        let sources: [String: Brief.Source]
        private(set) var cited: [Brief.Source] = []

        init(sources: [String: Brief.Source]) {
            self.sources = sources
        }

        /// `[n]` for the source with this code (nothing when there is none).
        mutating func cite(_ code: String?) -> HTML {
            guard let code, let source = sources[code] else { return .empty }
            return marker(for: source)
        }

        /// `[n]` for a source known by its title and address (as `parley.timeline` gives them).
        mutating func cite(title: String?, url: String?) -> HTML {
            guard let title else { return .empty }
            let known = sources.values.first { $0.title == title && $0.url == url }
            return marker(for: known ?? Brief.Source(code: nil, title: title, publisher: nil, url: url, publishedOn: nil))
        }

        private mutating func marker(for source: Brief.Source) -> HTML {
            let index: Int
            if let found = cited.firstIndex(where: { $0.title == source.title && $0.url == source.url }) {
                index = found + 1
            } else {
                cited.append(source)
                index = cited.count
            }
            return .sequence([.text(" "), .element("a", [.class("ref"), Attribute("href", "#source-\(index)")], text: "[\(index)]")])
        }
    }

    static let style: StaticString = """
        @page { size: A4; margin: 10mm 12mm; }
        * { box-sizing: border-box; }
        body { font-family: "Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.35;
               color: #1b1d21; margin: 0 auto; max-width: 190mm; padding: 0 4mm; }
        h1 { font-size: 18pt; margin: 4mm 0 1mm; }
        h2 { font-size: 13pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #1b1d21; break-after: avoid; }
        h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; }
        p { margin: 1mm 0 2mm; }
        .subtitle { font-size: 11pt; color: #3a3f47; }
        .meta { color: #4f5560; font-size: 9pt; }
        .late { color: #a11b1b; font-weight: bold; font-size: 9pt; }
        .status { font-weight: normal; font-size: 9pt; color: #2f4f6f; background: #e8eef5; padding: 0.3mm 1.5mm; border-radius: 1mm; }
        .mark { text-align: center; font-weight: bold; letter-spacing: 0.15em; font-size: 10pt; padding: 1.5mm 0; }
        .mark-unclassified { color: #1d5f2c; }
        .mark-restricted { color: #1d4f8f; }
        .mark-confidential { color: #9a5a00; }
        .mark-secret { color: #a11b1b; }
        table.page { width: 100%; border-collapse: collapse; }
        table.page > thead > tr > td, table.page > tfoot > tr > td, table.page > tbody > tr > td { padding: 0; }
        .mark-space { height: 0; }
        table.grid { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; table-layout: fixed; }
        table.grid th, table.grid td { border: 0.5pt solid #b9bfc8; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
        table.grid th { background: #eef1f5; font-size: 9pt; }
        table.grid tr { break-inside: avoid; }
        tr.overdue td { background: #fbeeee; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        td, th, dd, li, p, figcaption { overflow-wrap: anywhere; }
        dl.facts { display: grid; grid-template-columns: 28mm 1fr; gap: 0.8mm 3mm; margin: 0 0 2mm; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; }
        .stance-supports { color: #1d5f2c; font-weight: bold; }
        .stance-conditional { color: #8a5a00; font-weight: bold; }
        .stance-opposes, .stance-refuses { color: #a11b1b; font-weight: bold; }
        ul.changes { margin: 0 0 2mm; padding-left: 5mm; font-size: 9.5pt; }
        .bar { min-width: 30mm; }
        .bar-label { font-size: 9pt; }
        .charts { display: flex; flex-wrap: wrap; gap: 4mm; }
        figure.chart-box { margin: 0; width: calc(50% - 2mm); min-width: 80mm; break-inside: avoid; }
        figure.chart-box figcaption { font-size: 9pt; }
        figure.chart-box ul { margin: 1mm 0; padding-left: 4mm; }
        svg.chart { width: 100%; height: auto; font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
        svg .grid { stroke: #e1e4e8; stroke-width: 0.6; }
        svg .axis { stroke: #1b1d21; stroke-width: 0.8; }
        svg .tick { font-size: 8px; fill: #3a3f47; }
        svg .axis-title { font-size: 8.5px; fill: #1b1d21; font-weight: bold; }
        svg .target { stroke: #a11b1b; stroke-width: 1; stroke-dasharray: 4 3; }
        svg .target-label { font-size: 8px; fill: #a11b1b; }
        svg .deadline { stroke: #4f5560; stroke-width: 0.8; stroke-dasharray: 1 2; }
        svg .deadline-label { font-size: 8px; fill: #4f5560; }
        svg .delivered { fill: none; stroke: #1d4f8f; stroke-width: 1.6; }
        svg .stage { fill: #1d4f8f; }
        svg .value { font-size: 8px; fill: #1b1d21; }
        svg .spread { fill: #f3d9a8; }
        svg .claim-line { stroke: #c9ced6; stroke-width: 0.8; }
        svg .claim { fill: #9a5a00; }
        svg .claimant { font-size: 8.5px; fill: #1b1d21; }
        ol.sources { font-size: 9pt; padding-left: 6mm; }
        a { color: #1d4f8f; }
        a.ref { text-decoration: none; font-size: 8pt; vertical-align: super; }
        footer { margin-top: 6mm; }
        @media print {
          body { max-width: none; padding: 0; }
          .mark { position: fixed; left: 0; right: 0; padding: 0; height: 6mm; line-height: 6mm; background: #fff; }
          .mark-top { top: 0; }
          .mark-bottom { bottom: 0; }
          .mark-space { height: 8mm; }
          a { color: inherit; }
          section { break-inside: auto; }
        }
        """
}
