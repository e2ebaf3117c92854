import HazeModel

/// Something `haze alert` reports: an episode opened, escalated, still open
/// after its cooldown, or closed.
///
/// A report keeps what it is made of — the rule, the subject, the hours, the
/// level and the condition's numbers — and writes its messages and facts out
/// only when they are read (`messages`, `message(in:)`, `json(_:)`): a replay
/// that only counts episodes never writes a message.
public struct AlertEvent: Sendable {
    /// What happened to the episode.
    public enum Kind: String, Sendable {
        case opened, escalated, reminder, closed
    }

    /// What happened to the episode: opened, escalated, reminder (still open after its cooldown) or closed.
    public var kind: Kind
    /// The rule that raised it.
    package var rule: AlertRule
    /// The station, unit or city the episode is about.
    public var subject: AlertSubject
    /// The data hour the report is about.
    public var hour: Hour
    /// The hour the episode opened.
    public var since: Hour
    /// The index of the episode's level in the rule's ladder at this hour.
    package var level: Int
    /// The rule's value at this hour, in the rule's unit (µg/m³, a ratio, hours …); nil for a closing.
    public var value: Double?
    /// The highest value since the episode opened, in the same unit; nil when none.
    public var peak: Double?
    /// The condition's facts (its last active ones for a closing).
    package var conditionFacts: ConditionFacts
    /// The zone the messages write hours in.
    package var zone: LocalZone

    package init(kind: Kind, rule: AlertRule, subject: AlertSubject, hour: Hour, since: Hour, level: Int,
                 value: Double?, peak: Double?, conditionFacts: ConditionFacts, zone: LocalZone) {
        self.kind = kind
        self.rule = rule
        self.subject = subject
        self.hour = hour
        self.since = since
        self.level = min(max(level, 0), rule.levels.count - 1)
        self.value = value
        self.peak = peak
        self.conditionFacts = conditionFacts
        self.zone = zone
    }

    package var ruleID: String { rule.id }
    /// The campaign id of the rule (its rule file).
    public var campaign: String { rule.campaign }
    var ruleKind: String { rule.kind.name }
    var levelName: String { rule.levels[level].name }
    /// The severity of the episode's level at this hour.
    public var severity: Severity { rule.levels[level].severity }

    /// Messages by language (`zh`, `en`), filled in (written out on each read).
    public var messages: [String: String] {
        let facts = facts
        var messages: [String: String] = [:]
        for language in rule.messages.keys { messages[language] = message(language, facts: facts) }
        return messages
    }

    /// The message in one language (`zh`, `en`), filled in; nil when the rule has none in it.
    public func message(in language: String) -> String? {
        guard rule.messages[language] != nil else { return nil }
        return message(language, facts: facts)
    }

    /// Every fact a template of the rule's kind may use, written out.
    var facts: [String: String] { facts(time: zone.format(hour), since: zone.format(since)) }

    /// The facts, with the report's hour and the episode's first hour already written.
    private func facts(time: String, since: String) -> [String: String] {
        let level = rule.levels[level]
        var facts = subject.facts(time: time).merging(conditionFacts.rendered) { a, _ in a }
        facts["since"] = since
        facts["level"] = level.name
        facts["severity"] = level.severity.rawValue
        facts["rule"] = rule.id
        facts["event"] = kind.rawValue
        // A fact the kind may leave out (no last year, no ranking) reads as a dash.
        for name in AlertFacts.available(for: rule.kind) where facts[name] == nil { facts[name] = "—" }
        return facts
    }

    private func message(_ language: String, facts: [String: String]) -> String? {
        guard let template = rule.messages[language] else { return nil }
        let parsed = rule.parsedMessages[language]
        let body = parsed?.source == template ? parsed?.render(facts) ?? "" : Template.render(template, facts)
        let name = levelName
        let duration = hour.index - since.index
        let peak = peak.map { GBT8170.format($0, decimals: 0) } ?? "—"
        let who = subject.name.isEmpty ? subject.key : subject.name
        switch (kind, language) {
        case (.opened, _): return body
        case (.escalated, "zh"): return "【升级至\(name)】" + body
        case (.escalated, _): return "[escalated to \(name)] " + body
        case (.reminder, "zh"): return "【持续\(duration)小时】" + body
        case (.reminder, _): return "[still open after \(duration) h] " + body
        case (.closed, "zh"): return "【已结束】\(who)：\(rule.id) 自\(facts["since"] ?? zone.format(since))起持续\(duration)小时，峰值\(peak)"
        case (.closed, _): return "[ended] \(who): \(rule.id) since \(facts["since"] ?? zone.format(since)), \(duration) h, peak \(peak)"
        }
    }

    /// Identifies the episode: rule, subject and the hour it opened.
    func episodeID(_ zone: LocalZone) -> String { "\(rule.id)/\(subject.key)/\(zone.format(since))" }

    /// One NDJSON record (also the webhook's JSON item).
    public func json(_ zone: LocalZone) -> JSONValue {
        let time = zone.format(hour), since = zone.format(self.since)
        // The messages write hours in the report's own zone, the record's fields in `zone`.
        let facts = zone == self.zone ? facts(time: time, since: since) : facts
        return .object([
            ("time", .string(time)), ("event", .string(kind.rawValue)),
            ("episode", .string("\(rule.id)/\(subject.key)/\(since)")), ("rule", .string(rule.id)), ("campaign", .string(campaign)),
            ("kind", .string(ruleKind)), ("scope", .string(subject.scope.rawValue)), ("subject", .string(subject.key)),
            ("name", .string(subject.name)), ("city", .string(subject.city)), ("district", .string(subject.district)),
            ("level", .string(levelName)), ("severity", .string(severity.rawValue)),
            ("since", .string(since)),
            ("value", value.map { .decimal($0, places: 1) } ?? .null), ("peak", peak.map { .decimal($0, places: 1) } ?? .null),
            ("message_zh", .string(message("zh", facts: facts) ?? "")), ("message_en", .string(message("en", facts: facts) ?? "")),
            ("facts", .object(facts.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ])
    }
}
