/// The LISTEN/NOTIFY channel on which the database's triggers tell the daemon that something changed
/// (`pg_notify('parley_plan', '')`, once per statement).
public enum PlanChannel {
    public static let name = "parley_plan"
}
