import HazeModel

/// What routes and silences look at in a report: its campaign, rule, kind,
/// severity, event and level, and its subject's scope, key, city, district
/// and zones.
///
/// Zones are station groups smaller or other than a district (a 开发区, an
/// industrial park): today they come from the `zones` table of the routes
/// file (a station report is in its station's zones). This is the one place
/// a report's zones are read, so zones the registry may give its units later
/// are added here.
public struct ReportFields: Sendable, Equatable {
    /// The campaign id.
    public var campaign: String
    /// The rule id.
    public var rule: String
    /// The rule's kind (`threshold`, `feed`, …).
    public var kind: String
    /// The severity.
    public var severity: Severity
    /// `opened`, `escalated`, `reminder` or `closed`.
    public var event: String
    /// The level's name.
    public var level: String
    /// `station`, `district` or `city`.
    public var scope: String
    /// The subject's key.
    public var subject: String
    /// The subject's city.
    public var city: String
    /// The subject's district (empty for a city).
    public var district: String
    /// The zones the subject's stations are in.
    public var zones: Set<String>
    /// The hour the report is about (silences cover hours).
    public var hour: Hour

    package init(campaign: String, rule: String, kind: String, severity: Severity, event: String, level: String,
                scope: String, subject: String, city: String, district: String, zones: Set<String>, hour: Hour) {
        self.campaign = campaign
        self.rule = rule
        self.kind = kind
        self.severity = severity
        self.event = event
        self.level = level
        self.scope = scope
        self.subject = subject
        self.city = city
        self.district = district
        self.zones = zones
        self.hour = hour
    }

    /// The fields of a report as the alert run made it.
    public init(_ event: AlertEvent, zones: ZoneTable) {
        self.init(campaign: event.campaign, rule: event.ruleID, kind: event.ruleKind, severity: event.severity,
                  event: event.kind.rawValue, level: event.levelName, scope: event.subject.scope.rawValue,
                  subject: event.subject.key, city: event.subject.city, district: event.subject.district,
                  zones: zones.zones(of: event.subject.key, scope: event.subject.scope.rawValue), hour: event.hour)
    }

    /// The value of one field (zones: all of them).
    func values(_ field: ReportMatch.Field) -> [String] {
        switch field {
        case .campaign: [campaign]
        case .rule: [rule]
        case .kind: [kind]
        case .severity: [severity.rawValue]
        case .event: [event]
        case .level: [level]
        case .scope: [scope]
        case .subject: [subject]
        case .city: [city]
        case .district: [district]
        case .zone: zones.sorted()
        }
    }
}
