import Foundation
import PQ

extension CalendarEntry {
    /// The entries of `parley.calendar_entries` for a track, a person (by e-mail), both or neither, as the caller
    /// is cleared to see them.
    public static func load(track: String?, person: String?, on connection: Connection) throws -> [CalendarEntry] {
        let result = try connection.query(
            "select * from parley.calendar_entries(track => $1::text, person => $2::text)", [track, person])
        return try result.map { row in
            let kindText: String = try row.decode("kind")
            let kind = Kind(rawValue: kindText) ?? .meeting
            return CalendarEntry(
                kind: kind,
                code: try row.decode("code"),
                track: try row.decode("track", as: String?.self),
                timeZone: try row.decode("timezone", as: String?.self),
                summary: try row.decode("summary", as: String?.self) ?? "",
                description: try row.decode("description", as: String?.self),
                location: try row.decode("location", as: String?.self),
                url: try row.decode("url", as: String?.self),
                startsAt: try row.decode("starts_at", as: Date?.self),
                endsAt: try row.decode("ends_at", as: Date?.self),
                dueOn: try row.decode("due_on", as: CalendarDate?.self),
                dueAt: try row.decode("due_at", as: Date?.self),
                doneAt: try row.decode("done_at", as: Date?.self),
                status: try row.decode("status", as: String?.self) ?? "",
                sequence: try row.decode("sequence", as: Int?.self) ?? 0,
                createdAt: try row.decode("created_at"),
                updatedAt: try row.decode("updated_at"),
                relatedTo: try row.decode("related_to", as: String?.self))
        }
    }
}
