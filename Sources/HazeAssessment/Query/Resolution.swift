/// The time step of a query.
public enum Resolution: String, Sendable, CaseIterable {
    case hour, day, month
}
