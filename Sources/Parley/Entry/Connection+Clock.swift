import Foundation
import PQ

extension Connection {
    /// Makes the session read and show times on the clock of `zone` (an IANA name): a time typed without a UTC
    /// offset, such as `2025-05-16 12:30`, is then a time at that place.
    ///
    /// - Throws: `PQError` (22023) for a zone the server does not know.
    public func useClock(of zone: String) throws {
        try query("select set_config('TimeZone', $1, false)", [zone])
    }

    /// Reads `text`, a moment as a user typed it, on the session's clock.
    ///
    /// - Returns: the moment written so that it means the same on any clock (ISO 8601 with its UTC offset,
    ///   `2025-06-02T09:00:00+03:00`), and the UTC offset the user wrote it in (seconds, east positive) when the text
    ///   names one that differs from the session clock's at that moment (`+02:00`, `Z`, `America/New_York`); nil
    ///   when it names none (it was read on the session's clock) or the same.
    /// - Throws: `PQError` of class 22 when the server cannot read `text` as a moment.
    public func readMoment(_ text: String) throws -> (moment: String, writtenOffset: Int?) {
        // Read as a timestamp without time zone, a moment keeps the local time it was written with and drops
        // the offset or zone; the difference to the same moment in UTC is the offset it was written in.
        let row = try query(
            """
            select to_json($1::text::timestamptz) #>> '{}' as moment,
                   extract(epoch from $1::text::timestamp - ($1::text::timestamptz at time zone 'UTC'))::int as written,
                   extract(epoch from ($1::text::timestamptz at time zone current_setting('TimeZone'))
                                      - ($1::text::timestamptz at time zone 'UTC'))::int as clock
            """, [text])[0]
        let written: Int = try row.decode("written")
        let clock: Int = try row.decode("clock")
        return (try row.decode("moment"), written == clock ? nil : written)
    }

    /// Makes the session show times at a fixed UTC offset (seconds, east positive), so that what it echoes is in
    /// the offset the user wrote.
    public func showTimes(atOffset seconds: Int) throws {
        let magnitude = abs(seconds)
        let offset = String(format: "%@%02d:%02d:%02d", seconds < 0 ? "-" : "+",
                            magnitude / 3600, magnitude % 3600 / 60, magnitude % 60)
        try query("select set_config('TimeZone', $1, false)", ["interval '\(offset)'"])
    }

    /// The time zone of a track, or nil when there is no such track (or it is above the caller's clearance).
    public func timeZone(ofTrack code: String) throws -> String? {
        let result = try query("select timezone from parley.track_overview where track = $1", [code])
        return try result.first?.decode("timezone", as: String?.self)
    }

    /// The time zone of a meeting's track, or nil when there is no such meeting.
    public func timeZone(ofMeeting code: String) throws -> String? {
        let result = try query("select timezone from parley.meetings where meeting = $1", [code])
        return try result.first?.decode("timezone", as: String?.self)
    }

    /// The time zone of the track an alert is about, or nil when there is no such alert or it has no track.
    public func timeZone(ofAlert id: Int64) throws -> String? {
        let result = try query("select track from parley.alerts where id = $1", [id])
        guard let track = try result.first?.decode("track", as: String?.self) else { return nil }
        return try timeZone(ofTrack: track)
    }

    /// The time zone of a commitment's track, or nil when there is no such commitment.
    public func timeZone(ofCommitment code: String) throws -> String? {
        let result = try query("select track from parley.commitments where code = $1", [code])
        guard let track = try result.first?.decode("track", as: String?.self) else { return nil }
        return try timeZone(ofTrack: track)
    }

    /// The time zone of the track a silence covers, or nil when there is no such silence or it names no track
    /// (directly or through its commitment).
    public func timeZone(ofSilence id: Int64) throws -> String? {
        let result = try query("select track, commitment from parley.silences where id = $1", [id])
        guard let row = result.first else { return nil }
        if let track = try row.decode("track", as: String?.self) { return try timeZone(ofTrack: track) }
        if let commitment = try row.decode("commitment", as: String?.self) { return try timeZone(ofCommitment: commitment) }
        return nil
    }

    /// The time zone of the member of staff a follow-up (by code, F and its number for one without) is assigned to,
    /// open or done, or nil when there is no such follow-up.
    public func timeZone(ofFollowUp code: String) throws -> String? {
        let open = try query("select assignee_email from parley.follow_ups where coalesce(code, 'F' || id) = $1", [code])
        if let email = try open.first?.decode("assignee_email", as: String.self) { return try timeZone(ofPerson: email) }
        // parley.follow_ups lists the open ones only; a done one is still in the calendar, with its assignee's zone.
        let any = try query("select timezone from parley.calendar_entries() where kind = 'follow-up' and code = $1", [code])
        return try any.first?.decode("timezone", as: String?.self)
    }

    /// The time zone of a member of staff (by e-mail, any case), or nil when there is no such person.
    public func timeZone(ofPerson email: String) throws -> String? {
        let result = try query("select timezone from parley.people where lower(email) = lower($1)", [email])
        return try result.first?.decode("timezone", as: String?.self)
    }
}
