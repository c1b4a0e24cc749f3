/// Input the command itself refuses before or without the database (an unknown track for a calendar, a time it
/// cannot read): reported like a database refusal, with exit status 65.
struct InputRefusal: Error, CustomStringConvertible {
    var message: String
    var hint: String?

    var description: String {
        message + (hint.map { "\nHINT: \($0)" } ?? "")
    }
}
