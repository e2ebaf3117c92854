/// An episode that is open: kept in the store's alert state between runs.
package struct OpenEpisode: Sendable, Codable, Equatable {
    package var rule: String
    /// The subject's key (`1001A`, `北京/朝阳区`, `北京`, `全国`); its scope is the rule's.
    package var subject: String
    /// Hours since 1970-01-01T00:00Z: when it opened and when it was last reported.
    package var since: Int
    /// The level now, and the highest one reported (escalation is reported once).
    package var level: Int
    var reportedLevel: Int
    package var lastReported: Int
    package var peak: Double?
    /// The facts of the condition when last active (for the closing report and the state file).
    var facts: ConditionFacts

    package init(rule: String, subject: String, since: Int, level: Int, reportedLevel: Int, lastReported: Int,
                peak: Double?, facts: ConditionFacts) {
        self.rule = rule
        self.subject = subject
        self.since = since
        self.level = level
        self.reportedLevel = reportedLevel
        self.lastReported = lastReported
        self.peak = peak
        self.facts = facts
    }

    /// The canonical order of episodes in the state file (so equal states are equal bytes).
    static func precedes(_ a: OpenEpisode, _ b: OpenEpisode) -> Bool {
        (a.subject, a.rule, a.since) < (b.subject, b.rule, b.since)
    }
}
