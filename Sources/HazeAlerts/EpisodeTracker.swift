import HazeModel

/// The episode state machine: turns each hour's conditions into reports.
///
/// Per (rule, subject): an active condition opens an episode (reported); a
/// higher level escalates it (reported once per level); after the cooldown an
/// open episode is reported again; a condition known not to hold closes it
/// (reported once). An unknown condition — missing data — changes nothing.
/// An hour earlier than an episode's last report changes nothing either, so
/// an episode can never get a negative duration or open twice.
struct EpisodeTracker {
    /// The episodes it tracks: those of the subjects being evaluated.
    private(set) var open: [OpenEpisode]
    /// Open episodes by (rule position, subject id), an index into `open`.
    private var index: [Int64: Int] = [:]
    private let keyOf: (OpenEpisode) -> Int64?

    /// `keyOf` maps each episode to its (rule position, subject id) key; the
    /// caller hands over only episodes it can key.
    init(open: [OpenEpisode], keyOf: @escaping (OpenEpisode) -> Int64?) {
        self.keyOf = keyOf
        self.open = open
        reindex()
    }

    static func key(rule: Int, subject: Int) -> Int64 { Int64(rule) << 32 | Int64(subject) }

    private mutating func reindex() {
        index = [:]
        for (i, episode) in open.enumerated() {
            if let key = keyOf(episode) { index[key] = i }
        }
    }

    mutating func observe(_ rule: AlertRule, position: Int, _ subject: AlertSubject, _ condition: Condition,
                          at hour: Hour, zone: LocalZone) -> AlertEvent? {
        if case .unknown = condition { return nil }
        let key = Self.key(rule: position, subject: subject.id)
        switch condition {
        case .unknown:
            return nil
        case .inactive:
            guard let i = index[key], hour.index > open[i].lastReported else { return nil }
            let episode = open[i]
            remove(at: i, key: key)
            return event(.closed, rule, subject, episode, hour: hour, value: nil, zone: zone)
        case .active(let level, let value, let facts):
            if let i = index[key] {
                guard hour.index > open[i].lastReported else { return nil }
                var episode = open[i]
                episode.level = level
                episode.facts = facts
                if let value { episode.peak = max(episode.peak ?? value, value) }
                var kind: AlertEvent.Kind?
                if level > episode.reportedLevel {
                    kind = .escalated
                    episode.reportedLevel = level
                } else if hour.index - episode.lastReported >= rule.cooldownHours {
                    kind = .reminder
                }
                if kind != nil { episode.lastReported = hour.index }
                open[i] = episode
                return kind.map { event($0, rule, subject, episode, hour: hour, value: value, zone: zone) }
            }
            let since = hour.index
            let episode = OpenEpisode(rule: rule.id, subject: subject.key, since: since, level: level, reportedLevel: level,
                                      lastReported: hour.index, peak: value, facts: facts)
            index[key] = open.count
            open.append(episode)
            return event(.opened, rule, subject, episode, hour: hour, value: value, zone: zone)
        }
    }

    private mutating func remove(at i: Int, key: Int64) {
        let last = open.count - 1
        index[key] = nil
        if i != last {
            open[i] = open[last]
            if let moved = keyOf(open[i]) { index[moved] = i }
        }
        open.removeLast()
    }

    private func event(_ kind: AlertEvent.Kind, _ rule: AlertRule, _ subject: AlertSubject, _ episode: OpenEpisode,
                       hour: Hour, value: Double?, zone: LocalZone) -> AlertEvent {
        let level = rule.levels[min(episode.level, rule.levels.count - 1)]
        var facts = subject.facts(at: hour, zone: zone).merging(episode.facts) { a, _ in a }
        facts["since"] = zone.format(Hour(episode.since))
        facts["level"] = level.name
        facts["severity"] = level.severity.rawValue
        facts["rule"] = rule.id
        facts["event"] = kind.rawValue
        // A fact the kind may leave out (no last year, no ranking) reads as a dash.
        for name in AlertFacts.available(for: rule.kind) where facts[name] == nil { facts[name] = "—" }
        let duration = hour.index - episode.since
        var messages: [String: String] = [:]
        for (language, template) in rule.messages {
            let body = Template.render(template, facts)
            let peak = episode.peak.map { GBT8170.format($0, decimals: 0) } ?? "—"
            switch (kind, language) {
            case (.opened, _): messages[language] = body
            case (.escalated, "zh"): messages[language] = "【升级至\(level.name)】" + body
            case (.escalated, _): messages[language] = "[escalated to \(level.name)] " + body
            case (.reminder, "zh"): messages[language] = "【持续\(duration)小时】" + body
            case (.reminder, _): messages[language] = "[still open after \(duration) h] " + body
            case (.closed, "zh"): messages[language] = "【已结束】\(subject.name.isEmpty ? subject.key : subject.name)：\(rule.id) 自\(zone.format(Hour(episode.since)))起持续\(duration)小时，峰值\(peak)"
            case (.closed, _): messages[language] = "[ended] \(subject.name.isEmpty ? subject.key : subject.name): \(rule.id) since \(zone.format(Hour(episode.since))), \(duration) h, peak \(peak)"
            }
        }
        return AlertEvent(kind: kind, ruleID: rule.id, campaign: rule.campaign, ruleKind: rule.kind.name, subject: subject,
                          hour: hour, since: Hour(episode.since), levelName: level.name, severity: level.severity,
                          value: value, peak: episode.peak, messages: messages, facts: facts)
    }
}
