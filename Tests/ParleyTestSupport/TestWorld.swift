import Foundation
import PQ

/// A small negotiation recorded through the staff's own functions: two parties, one track, one item, one owner.
///
/// Tests add commitments to it; codes are fixed so assertions can name them.
public enum TestWorld {
    public static let owner = "desk.officer@example.org"
    public static let track = "istanbul"
    public static let item = "pow-exchange"

    /// Records the world in the database `connection` is on.
    public static func create(on connection: Connection, timezone: String = "Europe/Istanbul") throws {
        try connection.query("select parley.add_person(email => $1, name => 'Desk Officer', timezone => 'Europe/Berlin')", [owner])
        try connection.query("select parley.add_party(code => 'UA', name => 'Ukraine')")
        try connection.query("select parley.add_party(code => 'RU', name => 'Russia')")
        try connection.query("select parley.add_party(code => 'TR', name => 'Türkiye')")
        try connection.query(
            "select parley.add_track(code => $1, name => 'Istanbul direct talks', format => 'bilateral', timezone => $2, lead => $3)",
            [track, timezone, owner])
        try connection.query(
            "select parley.add_agenda_item(code => $1, title => 'All-for-all exchange', track => $2, status => 'under_discussion')",
            [item, track])
    }

    /// Adds a commitment of Russia to Ukraine owned by `owner`, due `dueInDays` from today on the track's clock
    /// (negative: already overdue), and returns its code. The track's clock, not the session's: Parley counts days
    /// left in the track's time zone, so "due in 2 days" written from UTC's date would be due in 1 in Istanbul from
    /// 21:00 UTC, and a test's expectations would depend on the hour it ran.
    @discardableResult
    public static func addCommitment(
        on connection: Connection, code: String, dueInDays: Int, madeDaysAgo: Int = 10,
        text: String = "Exchange 1,000 prisoners for 1,000", classification: String = "unclassified"
    ) throws -> String {
        try connection.query(
            """
            select parley.add_commitment(track => $1, item => $2, obligor => 'RU', beneficiaries => array['UA'],
                   text => $3, made_on => today.on_track - $4::int, due_on => today.on_track + $5::int,
                   target_quantity => 1000, unit => 'prisoners', code => $6, owner => $7,
                   classification => $8::parley.classification)
              from (select (now() at time zone t.timezone)::date as on_track
                      from parley_data.tracks t where t.code = $1 limit 1) today
            """, [track, item, text, madeDaysAgo, dueInDays, code, owner, classification])[0].decode(0)
    }
}
