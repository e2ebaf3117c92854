import HazeModel

/// Something `haze alert` reports: an episode opened, escalated, still open
/// after its cooldown, or closed.
public struct AlertEvent: Sendable {
    /// What happened to the episode.
    public enum Kind: String, Sendable {
        case opened, escalated, reminder, closed
    }

    /// What happened to the episode: opened, escalated, reminder (still open after its cooldown) or closed.
    public var kind: Kind
    package var ruleID: String
    /// The campaign id of the rule (its rule file).
    public var campaign: String
    var ruleKind: String
    /// The station, unit or city the episode is about.
    public var subject: AlertSubject
    /// The data hour the report is about.
    public var hour: Hour
    /// The hour the episode opened.
    public var since: Hour
    var levelName: String
    /// The severity of the episode's level at this hour.
    public var severity: Severity
    /// The rule's value at this hour, in the rule's unit (µg/m³, a ratio, hours …); nil for a closing.
    public var value: Double?
    /// The highest value since the episode opened, in the same unit; nil when none.
    public var peak: Double?
    /// Messages by language, already filled in.
    public var messages: [String: String]
    var facts: [String: String]

    /// Identifies the episode: rule, subject and the hour it opened.
    func episodeID(_ zone: LocalZone) -> String { "\(ruleID)/\(subject.key)/\(zone.format(since))" }

    /// One NDJSON record (also the webhook's JSON item).
    public func json(_ zone: LocalZone) -> JSONValue {
        .object([
            ("time", .string(zone.format(hour))), ("event", .string(kind.rawValue)),
            ("episode", .string(episodeID(zone))), ("rule", .string(ruleID)), ("campaign", .string(campaign)),
            ("kind", .string(ruleKind)), ("scope", .string(subject.scope.rawValue)), ("subject", .string(subject.key)),
            ("name", .string(subject.name)), ("city", .string(subject.city)), ("district", .string(subject.district)),
            ("level", .string(levelName)), ("severity", .string(severity.rawValue)),
            ("since", .string(zone.format(since))),
            ("value", value.map { .decimal($0, places: 1) } ?? .null), ("peak", peak.map { .decimal($0, places: 1) } ?? .null),
            ("message_zh", .string(messages["zh"] ?? "")), ("message_en", .string(messages["en"] ?? "")),
            ("facts", .object(facts.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ])
    }
}
