import HazeModel
import HazeAlerts

/// Renders alert reports for the terminal, as JSON or NDJSON, and the replay summary.
public struct AlertReport: Sendable {
    /// The reports, in the order the run made them.
    public var events: [AlertEvent]
    /// The zone the hours are written in.
    public var zone: LocalZone
    /// The language of titles, headings and notes (the data are the same in both).
    public var language: Language

    /// A rendering of `events`, hours in `zone`, text in `language`.
    public init(events: [AlertEvent], zone: LocalZone, language: Language) {
        self.events = events
        self.zone = zone
        self.language = language
    }

    /// A table of the reports for the terminal (`无新告警` / `nothing new to report` when there are none).
    public func table() -> String {
        guard !events.isEmpty else { return language.text("无新告警\n", "nothing new to report\n") }
        var table = TextTable(columns: [.init(language.text("时间", "time")), .init(language.text("事件", "event")),
                                        .init(language.text("级别", "severity")), .init(language.text("规则", "rule")),
                                        .init(language.text("对象", "subject")), .init(language.text("内容", "message"))])
        for event in events {
            table.append([zone.format(event.hour), eventName(event.kind), event.severity.rawValue, event.ruleID,
                          event.subject.name.isEmpty ? event.subject.key : event.subject.name,
                          event.messages[language.rawValue] ?? ""])
        }
        return table.render()
    }

    func eventName(_ kind: AlertEvent.Kind) -> String {
        switch kind {
        case .opened: language.text("新发", "opened")
        case .escalated: language.text("升级", "escalated")
        case .reminder: language.text("持续", "reminder")
        case .closed: language.text("结束", "closed")
        }
    }

    /// One JSON object per report, one a line (the format of `alerts/alerts.ndjson`).
    public func ndjson() -> String {
        var out = ""
        for event in events {
            event.json(zone).write(to: &out)
            out += "\n"
        }
        return out
    }

    /// The reports as one JSON array (pretty-printed).
    public func json() -> String { JSONValue.array(events.map { $0.json(zone) }).serialized(pretty: true) + "\n" }

    /// Episodes (opened reports) counted per rule, subject and month of opening.
    public func summary() -> String {
        var counts: [String: Int] = [:]
        var perRule: [String: Int] = [:]
        for event in events where event.kind == .opened {
            let month = zone.day(of: event.hour).month.description
            counts["\(event.ruleID)\t\(event.subject.key)\t\(month)", default: 0] += 1
            perRule[event.ruleID, default: 0] += 1
        }
        var out = language.text("各规则事件数\n", "episodes per rule\n")
        var ruleTable = TextTable(columns: [.init(language.text("规则", "rule")), .init(language.text("事件", "episodes"), alignRight: true)])
        for (rule, n) in perRule.sorted(by: { $0.key < $1.key }) { ruleTable.append([rule, String(n)]) }
        out += ruleTable.render() + "\n"
        var table = TextTable(columns: [.init(language.text("规则", "rule")), .init(language.text("对象", "subject")),
                                        .init(language.text("月份", "month")), .init(language.text("事件", "episodes"), alignRight: true)])
        for (key, n) in counts.sorted(by: { $0.key < $1.key }) {
            table.append(key.split(separator: "\t").map(String.init) + [String(n)])
        }
        return out + table.render()
    }
}
