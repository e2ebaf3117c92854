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
        guard !events.isEmpty else { return Self.nothingNew(language) }
        var table = Self.tableColumns(language)
        for event in events { table.append(Self.row(event, zone: zone, language: language)) }
        return table.render()
    }

    static func nothingNew(_ language: Language) -> String { language.text("无新告警\n", "nothing new to report\n") }

    static func tableColumns(_ language: Language) -> TextTable {
        TextTable(columns: [.init(language.text("时间", "time")), .init(language.text("事件", "event")),
                            .init(language.text("级别", "severity")), .init(language.text("规则", "rule")),
                            .init(language.text("对象", "subject")), .init(language.text("内容", "message"))])
    }

    /// A report's cells: time, event, severity, rule, subject, message (in `language` only).
    static func row(_ event: AlertEvent, zone: LocalZone, language: Language) -> [String] {
        [zone.format(event.hour), eventName(event.kind, language), event.severity.rawValue, event.ruleID,
         subjectName(event.subject), event.message(in: language.rawValue) ?? ""]
    }

    static func subjectName(_ subject: AlertSubject) -> String { subject.name.isEmpty ? subject.key : subject.name }

    static func eventName(_ kind: AlertEvent.Kind, _ language: Language) -> String {
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
        var summary = AlertSummary(zone: zone)
        for event in events { summary.add(event) }
        return summary.render(language: language)
    }
}

/// The replay summary counted as reports come: episodes (opened reports) per
/// rule, subject and month of opening. Holds one count per (rule, subject,
/// month), never the reports, and writes no message.
public struct AlertSummary: Sendable {
    private struct Key: Hashable, Sendable {
        var rule: String
        var subject: String
        var month: Month
    }

    /// The zone that decides an opening's month.
    public let zone: LocalZone
    private var counts: [Key: Int] = [:]

    /// An empty summary; months are those of `zone`.
    public init(zone: LocalZone) { self.zone = zone }

    /// Counts `event` when it opens an episode.
    public mutating func add(_ event: AlertEvent) {
        guard event.kind == .opened else { return }
        counts[Key(rule: event.ruleID, subject: event.subject.key, month: zone.day(of: event.hour).month), default: 0] += 1
    }

    /// The two tables: episodes per rule, then per rule, subject and month.
    public func render(language: Language) -> String {
        var out = ""
        render(language: language) { out += $0 }
        return out
    }

    /// The two tables, handed to `write` in pieces of about 64 KiB: a summary of
    /// years has hundreds of thousands of rows, and is never held twice.
    public func render(language: Language, write: (String) -> Void) {
        var perRule: [String: Int] = [:]
        for (key, n) in counts { perRule[key.rule, default: 0] += n }
        var out = language.text("各规则事件数\n", "episodes per rule\n")
        var ruleTable = TextTable(columns: [.init(language.text("规则", "rule")), .init(language.text("事件", "episodes"), alignRight: true)])
        for (rule, n) in perRule.sorted(by: { $0.key < $1.key }) { ruleTable.append([rule, String(n)]) }
        out += ruleTable.render() + "\n"
        let table = TextTable(columns: [.init(language.text("规则", "rule")), .init(language.text("对象", "subject")),
                                        .init(language.text("月份", "month")), .init(language.text("事件", "episodes"), alignRight: true)])
        // Rows sorted as the text "rule<TAB>subject<TAB>month" sorts: field by field, which is
        // the same order while no field is empty or holds a character up to TAB.
        func plain(_ text: String) -> Bool { !text.isEmpty && !text.unicodeScalars.contains { $0.value <= 9 } }
        guard counts.keys.allSatisfy({ plain($0.rule) && plain($0.subject) }) else {
            var whole = TextTable(columns: table.columns)
            for (key, n) in counts.map({ ("\($0.key.rule)\t\($0.key.subject)\t\($0.key.month)", $0.value) }).sorted(by: { $0.0 < $1.0 }) {
                whole.append(key.split(separator: "\t").map(String.init) + [String(n)])
            }
            write(out + whole.render())
            return
        }
        let rows = counts.sorted { ($0.key.rule, $0.key.subject, $0.key.month) < ($1.key.rule, $1.key.subject, $1.key.month) }
        func width(_ text: String) -> Int { DisplayWidth.of(TerminalText.sanitized(text)) }
        var widths = table.columns.map { width($0.title) }
        for (key, n) in rows {
            widths[0] = max(widths[0], width(key.rule))
            widths[1] = max(widths[1], width(key.subject))
            widths[2] = max(widths[2], width(key.month.description))
            widths[3] = max(widths[3], String(n).count)
        }
        out += table.heading(widths: widths)
        for (key, n) in rows {
            out += table.row([key.rule, key.subject, key.month.description, String(n)], widths: widths)
            if out.utf8.count >= 1 << 16 {
                write(out)
                out = ""
            }
        }
        write(out)
    }
}
