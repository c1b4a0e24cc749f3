import PQ

/// Checks of what people type on the command line, before it goes to the database: values of the wrong form get
/// an error naming the option, instead of a server error that cannot say which value it was.
public enum InputText {
    /// The decimal number `text` stands for, in the form the database reads (`1000`, `12.5`); nil when it is not
    /// one (`1,000`, `ten`).
    public static func number(_ text: String) -> String? {
        YAMLScalar.number(text.trimmingCharacters(in: .whitespaces))
    }

    /// Whether `text` is a real day written `YYYY-MM-DD`.
    public static func isDate(_ text: String) -> Bool {
        CalendarDate(text) != nil && text.count == 10
    }
}
