import PQ

extension Connection {
    /// Makes the session read and show times on the clock of `zone` (an IANA name): a time typed without a UTC
    /// offset, such as `2025-05-16 12:30`, is then a time at that place.
    ///
    /// - Throws: `PQError` (22023) for a zone the server does not know.
    public func useClock(of zone: String) throws {
        try query("select set_config('TimeZone', $1, false)", [zone])
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

    /// The time zone of a member of staff (by e-mail, any case), or nil when there is no such person.
    public func timeZone(ofPerson email: String) throws -> String? {
        let result = try query("select timezone from parley.people where lower(email) = lower($1)", [email])
        return try result.first?.decode("timezone", as: String?.self)
    }
}
