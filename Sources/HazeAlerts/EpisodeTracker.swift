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
    /// Per episode of `open`, its (rule position, subject id) key.
    private var keys: [Int64]
    /// The episode's index in `open` (or -1) at `rule position * stride + subject id`.
    /// A flat table, not a dictionary: it is read for every rule, subject and hour.
    private var index: [Int32] = []
    private var rules = 0
    private var stride = 0
    /// Entries of the index table (rule positions × subject ids it makes room for).
    var tableSize: Int { index.count }

    /// `keyOf` maps each episode to its (rule position, subject id) key (`key(rule:subject:)`);
    /// the caller hands over only episodes it can key.
    init(open: [OpenEpisode], keyOf: (OpenEpisode) -> Int64?) {
        self.open = []
        self.keys = []
        for episode in open {
            guard let key = keyOf(episode) else { continue }
            let (rule, subject) = Self.split(key)
            guard rule >= 0, subject >= 0 else { continue }
            place(rule, subject, Int32(self.open.count))
            self.open.append(episode)
            self.keys.append(key)
        }
    }

    static func key(rule: Int, subject: Int) -> Int64 { Int64(rule) << 32 | Int64(subject) }

    private static func split(_ key: Int64) -> (rule: Int, subject: Int) { (Int(key >> 32), Int(key & 0xFFFF_FFFF)) }

    @inline(__always) private func position(_ rule: Int, _ subject: Int) -> Int {
        guard rule < rules, subject < stride else { return -1 }
        return Int(index[rule * stride + subject])
    }

    private mutating func place(_ rule: Int, _ subject: Int, _ i: Int32) {
        if rule >= rules || subject >= stride {
            // Grow the table (rarely: the first episodes of a run) and copy what it held.
            let newRules = max(rule + 1, rules)
            let newStride = subject >= stride ? max(subject + 1, 2 * stride, 64) : stride
            var grown = [Int32](repeating: -1, count: newRules * newStride)
            for r in 0 ..< rules {
                for s in 0 ..< stride { grown[r * newStride + s] = index[r * stride + s] }
            }
            (index, rules, stride) = (grown, newRules, newStride)
        }
        index[rule * stride + subject] = i
    }

    mutating func observe(_ rule: AlertRule, position rulePosition: Int, _ subject: AlertSubject, _ condition: Condition,
                          at hour: Hour, zone: LocalZone) -> AlertEvent? {
        observe(rule, position: rulePosition, id: subject.id, condition, at: hour, zone: zone) { subject }
    }

    /// `subject` gives the subject of id `id` when a report is made (most hours make none).
    mutating func observe(_ rule: AlertRule, position rulePosition: Int, id: Int, _ condition: Condition,
                          at hour: Hour, zone: LocalZone, subject: () -> AlertSubject) -> AlertEvent? {
        switch condition {
        case .unknown:
            return nil
        case .inactive:
            let i = position(rulePosition, id)
            guard i >= 0, hour.index > open[i].lastReported else { return nil }
            let episode = remove(at: i)
            return event(.closed, rule, subject(), episode, hour: hour, value: nil, zone: zone)
        case .active(let level, let value, let facts):
            let i = position(rulePosition, id)
            if i >= 0 {
                guard hour.index > open[i].lastReported else { return nil }
                open[i].level = level
                open[i].facts = facts
                if let value { open[i].peak = max(open[i].peak ?? value, value) }
                var kind: AlertEvent.Kind?
                if level > open[i].reportedLevel {
                    kind = .escalated
                    open[i].reportedLevel = level
                } else if hour.index - open[i].lastReported >= rule.cooldownHours {
                    kind = .reminder
                }
                guard let kind else { return nil }
                open[i].lastReported = hour.index
                return event(kind, rule, subject(), open[i], hour: hour, value: value, zone: zone)
            }
            let opened = subject()
            let episode = OpenEpisode(rule: rule.id, subject: opened.key, since: hour.index, level: level, reportedLevel: level,
                                      lastReported: hour.index, peak: value, facts: facts)
            place(rulePosition, id, Int32(open.count))
            open.append(episode)
            keys.append(Self.key(rule: rulePosition, subject: id))
            return event(.opened, rule, opened, episode, hour: hour, value: value, zone: zone)
        }
    }

    /// Removes episode `i` (the last one takes its place) and returns it.
    private mutating func remove(at i: Int) -> OpenEpisode {
        let last = open.count - 1
        let (rule, subject) = Self.split(keys[i])
        index[rule * stride + subject] = -1
        if i != last {
            open.swapAt(i, last)
            keys.swapAt(i, last)
            let (movedRule, movedSubject) = Self.split(keys[i])
            index[movedRule * stride + movedSubject] = Int32(i)
        }
        keys.removeLast()
        return open.removeLast()
    }

    private func event(_ kind: AlertEvent.Kind, _ rule: AlertRule, _ subject: AlertSubject, _ episode: OpenEpisode,
                       hour: Hour, value: Double?, zone: LocalZone) -> AlertEvent {
        AlertEvent(kind: kind, rule: rule, subject: subject, hour: hour, since: Hour(episode.since), level: episode.level,
                   value: value, peak: episode.peak, conditionFacts: episode.facts, zone: zone)
    }
}
