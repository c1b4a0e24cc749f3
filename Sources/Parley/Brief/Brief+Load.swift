import Foundation
import PQ

extension Brief {
    /// What to write a brief about.
    public enum Subject: Sendable, Equatable {
        /// A meeting, by code: the brief to carry into it.
        case meeting(String)
        /// A track, by code, as it stands now.
        case track(String)
    }

    /// Loads a brief from the staff views of schema `parley` as the connection's login sees them (row-level security
    /// applies: nothing the login is not cleared for is read). Read-only, in one repeatable-read transaction, so
    /// that every section describes the same moment.
    ///
    /// - Parameter readerTimeZone: an IANA zone to show times in besides the venue's (e.g. the mail recipient's).
    /// - Throws: `BriefError` when the meeting or track does not exist for this login; `PQError` from the database.
    public static func load(_ subject: Subject, readerTimeZone: String? = nil, on connection: Connection) throws -> Brief {
        try connection.transaction(isolation: .repeatableRead) { connection in
            try connection.execute("set transaction read only")
            return try BriefLoader(connection: connection).load(subject, readerTimeZone: readerTimeZone)
        }
    }
}

/// The queries behind `Brief.load`, one per section, each on one staff view.
struct BriefLoader {
    typealias Classification = Brief.Classification
    let connection: Connection

    func load(_ subject: Brief.Subject, readerTimeZone: String?) throws -> Brief {
        let who = try connection.query(
            "select logged_in_as::text as login, clearance::text as clearance, now() as now from parley.whoami")[0]
        let writtenAt: Date = try who.decode("now")
        let reader = Brief.Reader(
            login: try who.decode("login"), clearance: try classification(who, "clearance"), timezone: readerTimeZone)

        let trackCode: String
        var meeting: Brief.Meeting?
        switch subject {
        case let .meeting(code):
            let rows = try connection.query("select * from parley.meetings where meeting = $1", [code])
            guard rows.rowCount == 1 else { throw BriefError.noMeeting(code) }
            trackCode = try rows[0].decode("track")
            meeting = try self.meeting(rows[0])
        case let .track(code):
            trackCode = code
        }
        guard let track = try self.track(trackCode) else {
            if case let .meeting(code) = subject { throw BriefError.noMeeting(code) }
            throw BriefError.noTrack(trackCode)
        }
        let meetings = try connection.query(
            "select * from parley.meetings where track = $1 order by starts_at, meeting", [trackCode]).map(self.meeting)
        if case .track = subject {
            meeting = meetings.first { $0.status == "scheduled" && ($0.endsAt ?? $0.startsAt) >= writtenAt }
        }
        let reference = subject == .track(trackCode) ? writtenAt : (meeting?.startsAt ?? writtenAt)
        let lastMeeting = meetings.last {
            $0.startsAt < reference && ($0.status == "held" || $0.status == "scheduled") && $0.code != meeting?.code
        }
        let zone = TimeZone(identifier: track.timezone) ?? TimeZone(identifier: "UTC")!
        let since = lastMeeting.map { CalendarDate($0.startsAt, in: zone) }
            ?? CalendarDate(writtenAt.addingTimeInterval(-30 * 86_400), in: zone)

        let members = try self.members(trackCode)
        let agendaRows = try connection.query(
            "select item, title, status::text as status, since, note from parley.agenda where track = $1 order by item",
            [trackCode])
        let itemCodes: [String] = try agendaRows.map { try $0.decode("item") }
        var commitments = try self.commitments(trackCode, members: members)
        let stances = try self.stances(trackCode, items: itemCodes, members: members)
        let figures = try connection.query(
            """
            select indicator, item, claimant, value, unit, as_of, confidence::text as confidence, source, source_title,
                   source_url, note, classification::text as classification
              from parley.figures where item = any($1)
            """, [itemCodes]).map(figure)
        let compliance = try connection.query(
            """
            select party, made, fulfilled, partially_fulfilled, breached, open, score_pct, on_time_pct
              from parley.compliance where track = $1 order by party
            """, [trackCode]).map { row in
            Brief.Compliance(
                party: try row.decode("party"), made: try row.decode("made"), fulfilled: try row.decode("fulfilled"),
                partiallyFulfilled: try row.decode("partially_fulfilled"), breached: try row.decode("breached"),
                open: try row.decode("open"), scorePercent: try row.decode("score_pct"),
                onTimePercent: try row.decode("on_time_pct"))
        }
        let commitmentLevels = Dictionary(commitments.map { ($0.code, $0.classification) }, uniquingKeysWith: max)
        let meetingLevels = Dictionary(meetings.map { ($0.code, $0.classification) }, uniquingKeysWith: max)
        let agreementLevels = try agreementLevels(trackCode)

        // Facts whose classification is known, and the marking they make.
        var marking = track.classification
        func mark(_ level: Classification) { marking = max(marking, level) }
        if let meeting { mark(meeting.classification) }
        if let lastMeeting { mark(lastMeeting.classification) }
        // Compliance counts every commitment on the track the reader sees, so all of them are in the brief.
        commitments.forEach { mark($0.classification) }
        stances.forEach { mark($0.stance.classification) }
        let disputes = Self.disputes(figures)
        disputes.forEach { $0.claims.forEach { mark($0.classification) } }
        let agreements = try agreements(trackCode)
        agreements.forEach { mark($0.classification) }

        var followUps: [Brief.FollowUp] = []
        var unplacedFollowUps: [Brief.FollowUp] = []
        for row in try connection.query(
            "select coalesce(code, 'F' || id) as code, about, note, assignee, due_at, overdue from parley.follow_ups where track = $1 order by due_at",
            [trackCode]) {
            let about: String = try row.decode("about")
            let level = level(ofSubject: about, track: track, commitments: commitmentLevels, meetings: meetingLevels)
            let followUp = Brief.FollowUp(
                code: try row.decode("code"), about: about, note: try row.decode("note"),
                assignee: try row.decode("assignee"), dueAt: try row.decode("due_at"), overdue: try row.decode("overdue"),
                classification: level ?? reader.clearance)
            if let level {
                mark(level)
                followUps.append(followUp)
            } else {
                unplacedFollowUps.append(followUp)
            }
        }

        let memberNames = Set(members.map(\.party))
        var placed: [Brief.Event] = []
        var unplaced: [Brief.Event] = []
        for row in try connection.query(
            """
            select occurred_on, kind, track, item, party, ref, description, source, source_url
              from parley.timeline
             where (track = $1 or (track is null and item = any($2))) and occurred_on >= $3
             order by occurred_on, kind, ref
            """, [trackCode, itemCodes, since]) {
            let kind: String = try row.decode("kind")
            let party: String? = try row.decode("party")
            let rowTrack: String? = try row.decode("track")
            // A general statement counts for this track when a member made it (as parley.agenda has it).
            if kind == "position stated", rowTrack == nil, !memberNames.contains(party ?? "") { continue }
            var event = Brief.Event(
                occurredOn: try row.decode("occurred_on"), kind: kind, item: try row.decode("item"), party: party,
                ref: try row.decode("ref"), description: try row.decode("description"),
                sourceTitle: try row.decode("source"), sourceURL: try row.decode("source_url"),
                classification: .unclassified)
            if let level = level(of: event, track: track, commitments: commitmentLevels, meetings: meetingLevels,
                                 agreements: agreementLevels, stances: stances, figures: figures) {
                event.classification = level
                mark(level)
                placed.append(event)
            } else {
                event.classification = reader.clearance
                unplaced.append(event)
            }
        }

        // Facts without a classification of their own in the views: only when they cannot raise the marking.
        let unplacedFit = reader.clearance <= marking
        var shownStances = stances
        if !unplacedFit {
            for index in shownStances.indices {
                shownStances[index].stance.previousStance = nil
                shownStances[index].stance.previousStatedOn = nil
                shownStances[index].stance.changedOn = nil
            }
        } else {
            placed += unplaced
            followUps += unplacedFollowUps
        }
        placed.sort { ($0.occurredOn, $0.kind, $0.ref ?? "") < ($1.occurredOn, $1.kind, $1.ref ?? "") }
        followUps.sort { $0.dueAt < $1.dueAt }
        let timelineCut = placed.count > Brief.timelineLimit
        let timeline = Array(placed.suffix(Brief.timelineLimit))

        let agenda = try agendaRows.map { row in
            let code: String = try row.decode("item")
            return Brief.AgendaItem(
                code: code, title: try row.decode("title"), status: try row.decode("status"),
                since: try row.decode("since"), note: try row.decode("note"),
                stances: shownStances.filter { $0.itemCode == code }.map(\.stance))
        }

        var sourceCodes = Set<String>()
        [meeting?.source, lastMeeting?.source].compactMap { $0 }.forEach { sourceCodes.insert($0) }
        stances.compactMap(\.stance.source).forEach { sourceCodes.insert($0) }
        commitments.flatMap(\.updates).compactMap(\.source).forEach { sourceCodes.insert($0) }
        disputes.flatMap(\.claims).compactMap(\.source).forEach { sourceCodes.insert($0) }
        var sources: [String: Brief.Source] = [:]
        for row in try connection.query(
            "select code, title, publisher, url, published_on from parley.sources where code = any($1)",
            [Array(sourceCodes).sorted()]) {
            let code: String = try row.decode("code")
            sources[code] = Brief.Source(
                code: code, title: try row.decode("title"), publisher: try row.decode("publisher"),
                url: try row.decode("url"), publishedOn: try row.decode("published_on"))
        }
        commitments.sort { ($0.dueOn ?? CalendarDate(year: 9999, month: 12, day: 31), $0.code) < ($1.dueOn ?? CalendarDate(year: 9999, month: 12, day: 31), $1.code) }

        return Brief(
            writtenAt: writtenAt, reader: reader, track: track, meeting: meeting, isTrackBrief: subject == .track(trackCode),
            lastMeeting: lastMeeting, since: since, members: members, agenda: agenda,
            agreements: agreements, commitments: commitments, disputes: disputes,
            compliance: compliance, followUps: followUps, timeline: timeline, timelineCut: timelineCut,
            sources: sources, marking: marking)
    }

    /// Agreements in force (or suspended) on the track, from `parley.agreements`, each with its current term and
    /// how far its provisions are implemented.
    func agreements(_ track: String) throws -> [Brief.Agreement] {
        try connection.query(
            """
            select title || ' (' || code || ')' as title, parties, in_force_since,
                   concat_ws('; ',
                             case when status = 'suspended' then 'suspended' end,
                             case when term_ends_on is null then 'open-ended'
                                  else 'term ' || current_term || ' to ' || term_ends_on || ' (' || timezone || ')' end,
                             case renewal when 'automatic' then 'renews automatically unless a party objects'
                                              || coalesce(' by ' || objection_deadline_on, '')
                                          else 'renewal by decision' end,
                             case when term_contested then 'term contested' end,
                             'suspended by ' || suspended_parties, 'withdrawn: ' || withdrawn_parties,
                             case when provisions > 0 then provisions || ' provisions, '
                                  || coalesce(implementation_pct || ' % implemented', 'none scored') end) as terms,
                   classification::text as classification
              from parley.agreements
             where status in ('in_force', 'suspended') and $1 = any (string_to_array(tracks, ', '))
             order by in_force_since, code
            """, [track]).map { row in
            Brief.Agreement(
                title: try row.decode("title"), terms: try row.decode("terms"),
                inForceSince: try row.decode("in_force_since"),
                parties: (try row.decode("parties", as: String?.self)).map { [$0] } ?? [],
                classification: try classification(row, "classification"))
        }
    }

    /// The level of every agreement on the track the reader may see, in force or not: the timeline tells the
    /// events of all of them.
    func agreementLevels(_ track: String) throws -> [String: Classification] {
        var levels: [String: Classification] = [:]
        for row in try connection.query(
            """
            select code, classification::text as classification
              from parley.agreements where $1 = any (string_to_array(tracks, ', '))
            """, [track]) {
            levels[try row.decode("code")] = try classification(row, "classification")
        }
        return levels
    }

    // MARK: - Sections

    func track(_ code: String) throws -> Brief.Track? {
        let rows = try connection.query(
            """
            select track, name, format::text as format, status::text as status, venue, timezone, lead,
                   classification::text as classification
              from parley.track_overview where track = $1
            """, [code])
        guard rows.rowCount == 1 else { return nil }
        let row = rows[0]
        return Brief.Track(
            code: try row.decode("track"), name: try row.decode("name"), format: try row.decode("format"),
            status: try row.decode("status"), venue: try row.decode("venue"), timezone: try row.decode("timezone"),
            lead: try row.decode("lead"), classification: try classification(row, "classification"))
    }

    func meeting(_ row: Row) throws -> Brief.Meeting {
        Brief.Meeting(
            code: try row.decode("meeting"), title: try row.decode("title"), startsAt: try row.decode("starts_at"),
            endsAt: try row.decode("ends_at"), location: try row.decode("location"),
            status: try row.decode("status", as: String.self), outcome: try row.decode("outcome"),
            source: try row.decode("source"), classification: try classification(row, "classification"))
    }

    func members(_ track: String) throws -> [Brief.Member] {
        var members: [Brief.Member] = []
        for row in try connection.query(
            "select party, party_name, role::text as role, note from parley.members where track = $1 order by role, party",
            [track]) {
            let code: String = try row.decode("party")
            let role: String = try row.decode("role")
            let note: String? = try row.decode("note")
            if let index = members.firstIndex(where: { $0.partyCode == code }) {
                members[index].roles.append(role)
                if let note { members[index].notes.append(note) }
            } else {
                members.append(Brief.Member(
                    partyCode: code, party: try row.decode("party_name"), roles: [role], notes: note.map { [$0] } ?? []))
            }
        }
        return members
    }

    func commitments(_ track: String, members: [Brief.Member]) throws -> [Brief.Commitment] {
        var names = Dictionary(members.map { ($0.partyCode, $0.party) }, uniquingKeysWith: { first, _ in first })
        let rows = try connection.query(
            """
            select code, item, obligor, beneficiaries, text, made_on, due_on, days_left, coalesce(overdue, false) as overdue,
                   status::text as status, target, unit, delivered, owner, classification::text as classification
              from parley.commitments where track = $1
            """, [track])
        var codes = Set<String>()
        for row in rows {
            codes.insert(try row.decode("obligor"))
            for code in (try row.decode("beneficiaries", as: String?.self) ?? "").split(separator: ",") {
                codes.insert(code.trimmingCharacters(in: .whitespaces))
            }
        }
        let unknown = codes.filter { names[$0] == nil }.sorted()
        if !unknown.isEmpty {
            for row in try connection.query("select code, name from parley.parties where code = any($1)", [unknown]) {
                names[try row.decode("code")] = try row.decode("name")
            }
        }
        var updates: [String: [Brief.Update]] = [:]
        // The updates of the track's commitments (the rows above: the same snapshot and login), asked by the track
        // rather than by the list of their codes: for a parameter array the planner guessed some 1,500 commitments
        // and 1.3 million updates, and hash-joined every update of every commitment (130 ms a brief at 100,000
        // commitments, a fifth of the mailer's server time; BENCHMARKS.md). With the codes read in the statement
        // it looks each one up by index (5-20 ms).
        for row in try connection.query(
            """
            select commitment, reported_on, delivered, new_status::text as new_status, note, source, reported_by,
                   verification::text as verification
              from parley.commitment_updates
             where commitment = any (array(select code from parley.commitments where track = $1))
            """, [track]) {
            let reportedBy: String? = try row.decode("reported_by")
            updates[try row.decode("commitment"), default: []].append(Brief.Update(
                reportedOn: try row.decode("reported_on"), delivered: try row.decode("delivered"),
                newStatus: try row.decode("new_status"), note: try row.decode("note"), source: try row.decode("source"),
                reportedBy: reportedBy.map { names[$0] ?? $0 }, verification: try row.decode("verification")))
        }
        return try rows.map { row in
            let code: String = try row.decode("code")
            let obligor: String = try row.decode("obligor")
            let beneficiaries = (try row.decode("beneficiaries", as: String?.self) ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.map { names[$0] ?? $0 }
            return Brief.Commitment(
                code: code, item: try row.decode("item"), obligor: names[obligor] ?? obligor, beneficiaries: beneficiaries,
                text: try row.decode("text"), madeOn: try row.decode("made_on"), dueOn: try row.decode("due_on"),
                daysLeft: try row.decode("days_left"), overdue: try row.decode("overdue"), status: try row.decode("status"),
                target: try row.decode("target"), unit: try row.decode("unit"),
                delivered: try row.decode("delivered", as: Decimal?.self) ?? 0, owner: try row.decode("owner"),
                classification: try classification(row, "classification"), updates: updates[code] ?? [])
        }
    }

    /// Each member party's current stance per item: stated on this track, or generally when later (as
    /// `parley.agenda` has it).
    func stances(_ track: String, items: [String], members: [Brief.Member]) throws -> [(itemCode: String, stance: Brief.Stance)] {
        let names = members.map(\.party)
        var latest: [String: (itemCode: String, stance: Brief.Stance)] = [:]
        for row in try connection.query(
            """
            select party, track, item, stance::text as stance, stated_on, statement, previous_stance::text as previous_stance,
                   previous_stated_on, changed_on, source, classification::text as classification
              from parley.positions
             where item = any($1) and (track = $2 or (track is null and party = any($3)))
            """, [items, track, names]) {
            let item: String = try row.decode("item")
            let stance = Brief.Stance(
                party: try row.decode("party"), track: try row.decode("track"), stance: try row.decode("stance"),
                statedOn: try row.decode("stated_on"), statement: try row.decode("statement"),
                source: try row.decode("source"), classification: try classification(row, "classification"),
                previousStance: try row.decode("previous_stance"), previousStatedOn: try row.decode("previous_stated_on"),
                changedOn: try row.decode("changed_on"))
            let key = stance.party + "\u{0}" + item
            if let current = latest[key]?.stance,
               current.statedOn > stance.statedOn || (current.statedOn == stance.statedOn && current.track != nil) {
                continue
            }
            latest[key] = (item, stance)
        }
        return latest.values.sorted { ($0.itemCode, $0.stance.party) < ($1.itemCode, $1.stance.party) }
    }

    func figure(_ row: Row) throws -> Brief.Figure {
        Brief.Figure(
            indicator: try row.decode("indicator"), item: try row.decode("item"), claimant: try row.decode("claimant"),
            value: try row.decode("value"), unit: try row.decode("unit"), asOf: try row.decode("as_of"),
            confidence: try row.decode("confidence"), source: try row.decode("source"),
            sourceTitle: try row.decode("source_title"), sourceURL: try row.decode("source_url"),
            note: try row.decode("note"), classification: try classification(row, "classification"))
    }

    /// Indicators whose latest claims disagree: per claimant (or, unattributed, per source) the latest figure, as
    /// `parley.contested_figures` compares them, kept with each claim's classification.
    static func disputes(_ figures: [Brief.Figure]) -> [Brief.Dispute] {
        var groups: [String: [String: Brief.Figure]] = [:]
        var order: [String] = []
        for figure in figures {
            let group = figure.indicator + "\u{0}" + (figure.unit ?? "")
            let holder = figure.claimant.map { "party:" + $0 } ?? "source:" + (figure.source ?? "")
            if groups[group] == nil { order.append(group) }
            if let current = groups[group]?[holder], current.asOf >= figure.asOf { continue }
            groups[group, default: [:]][holder] = figure
        }
        return order.compactMap { group in
            let claims = (groups[group] ?? [:]).values.sorted { ($0.value, $0.claimant ?? "") < ($1.value, $1.claimant ?? "") }
            guard let low = claims.first?.value, let high = claims.last?.value, low != high else { return nil }
            return Brief.Dispute(indicator: claims[0].indicator, unit: claims[0].unit, claims: claims)
        }.sorted { $0.indicator < $1.indicator }
    }

    // MARK: - Classification of what the views give without one

    /// A follow-up's subject (`commitment C`, `meeting M`, `track T`) as classified as that subject.
    func level(
        ofSubject about: String, track: Brief.Track, commitments: [String: Classification], meetings: [String: Classification]
    ) -> Classification? {
        let parts = about.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "commitment": return commitments[parts[1]]
        case "meeting": return meetings[parts[1]]
        case "track": return parts[1] == track.code ? track.classification : nil
        default: return nil
        }
    }

    /// An event of `parley.timeline` as classified as the row it tells of; nil when that row's classification is
    /// not in any view (a statement or figure since superseded).
    func level(
        of event: Brief.Event, track: Brief.Track, commitments: [String: Classification],
        meetings: [String: Classification], agreements: [String: Classification],
        stances: [(itemCode: String, stance: Brief.Stance)], figures: [Brief.Figure]
    ) -> Classification? {
        switch event.kind {
        case "meeting held":
            return event.ref.flatMap { meetings[$0] }
        case "commitment made", "update recorded", "deadline moved":
            return event.ref.flatMap { commitments[$0] }
        case _ where Self.agreementEventKinds.contains(event.kind):
            return event.ref.flatMap { agreements[$0] }
        case "status changed":
            if let ref = event.ref, let level = commitments[ref] { return level }
            if event.ref != nil, event.ref == event.item { return track.classification }
            if event.ref == track.code, event.item == nil { return track.classification }
            return nil
        case "position stated":
            return stances.first { entry in
                let stance = entry.stance
                let description = "\(stance.party) on \(entry.itemCode): \(stance.stance)"
                    + (stance.statement.map { " — " + $0 } ?? "")
                return entry.itemCode == event.item && stance.party == event.party && stance.statedOn == event.occurredOn
                    && description == event.description
            }?.stance.classification
        case "figure reported":
            return figures.first { figure in
                figure.indicator == event.ref && figure.claimant == event.party && figure.asOf == event.occurredOn
                    && figure.sourceTitle == event.sourceTitle
                    && event.description.contains(" = " + figure.valueText)
            }?.classification
        default:
            return nil
        }
    }

    /// The kinds of `parley.agreement_events`, whose ref is the agreement's code.
    static let agreementEventKinds: Set<String> = [
        "agreement drafted", "agreement signed", "entered into force", "agreement suspended", "agreement resumed",
        "agreement renewed", "participation suspended", "participation resumed", "party withdrew", "term claimed",
        "agreement expired", "agreement terminated", "agreement superseded",
    ]

    func classification(_ row: Row, _ column: String) throws -> Classification {
        let text: String = try row.decode(column)
        guard let level = Classification(rawValue: text) else {
            throw BriefError(message: "classification \(text) is unknown to this program", hint: "Is the schema newer than the program?")
        }
        return level
    }
}

extension Brief.Figure {
    /// The value as `trim_scale` writes it in `parley.timeline`.
    var valueText: String {
        NSDecimalNumber(decimal: value).stringValue
    }
}
