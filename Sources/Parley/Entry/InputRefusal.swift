/// Input the command itself refuses before or without the database (an unknown track for a calendar, a time it
/// cannot read): reported like a database refusal, with exit status 65.
public struct InputRefusal: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var hint: String?

    public init(message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String {
        message + (hint.map { "\nHINT: \($0)" } ?? "")
    }
}
