/// How urgent an alert is; also decides `haze alert`'s exit status.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case info, warning, critical

    var order: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.order < b.order }
}
