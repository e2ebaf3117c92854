import HazeModel

/// One alert rule from a campaign's rule file: what to watch, where, how
/// urgent it is, how often to remind, and what to say.
public struct AlertRule: Sendable {
    /// One step of a rule's ladder: a threshold and its severity, or a named
    /// level (yellow/orange/red) for episodes. Moving up the ladder inside an
    /// open episode is an escalation and is reported.
    public struct Level: Sendable, Equatable {
        /// The level's name (`yellow`, `orange`, `red`, or the threshold as written).
        public var name: String
        var threshold: Double?
        /// How urgent a report at this level is.
        public var severity: Severity
    }

    public var id: String
    /// The campaign id (the rule file's name without `.json`).
    public var campaign: String
    /// What the rule watches and its parameters.
    public var kind: AlertKind
    /// Whether it watches stations, districts or cities.
    public var scope: AlertScope
    /// Limits the rule to these cities (all when empty).
    public var cities: [String]
    /// Ascending: the last level reached is the one reported.
    package var levels: [Level]
    /// Hours after which an open episode is reported again.
    var cooldownHours: Int
    /// Message templates by language (`zh`, `en`), with `{placeholders}`.
    public var messages: [String: String]
    /// The templates of `messages` read once (used while they are the same text).
    package var parsedMessages: [String: Template.Parsed] = [:]
    /// The rule file, for messages.
    public var file: String

    /// The severity of level `index` (clamped to the ladder).
    public func severity(ofLevel index: Int) -> Severity {
        levels[min(max(index, 0), levels.count - 1)].severity
    }
}
