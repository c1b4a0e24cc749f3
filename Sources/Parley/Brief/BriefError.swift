/// A brief that cannot be written from what was asked: the meeting or track does not exist, or the reader may not
/// see it (the two look the same on purpose: a reader learns nothing about what they are not cleared for).
public struct BriefError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var hint: String

    public var description: String { message + ". " + hint }

    static func noMeeting(_ code: String) -> BriefError {
        BriefError(message: "meeting \"\(code)\" does not exist, or you are not cleared to see it",
                   hint: "parley meetings list shows the meetings you may see.")
    }

    static func noTrack(_ code: String) -> BriefError {
        BriefError(message: "track \"\(code)\" does not exist, or you are not cleared to see it",
                   hint: "parley tracks list shows the tracks you may see.")
    }
}
