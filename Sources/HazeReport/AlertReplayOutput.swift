import HazeModel
import HazeAlerts

/// The output of `haze alert --replay`, written as the replay hands over its
/// reports: each report's text is made when it is written and then dropped,
/// so a replay of years prints as it goes in the memory of one report.
///
/// `ndjson` and `json` are byte for byte `AlertReport`'s for the same
/// reports. The `table` cannot wait for its widest cell, so its columns are
/// as wide as the longest rule id and subject name the replay can report
/// (`widths(rules:subjects:)`); the summary counts episodes (`AlertSummary`)
/// and writes no report text at all.
public struct AlertReplayOutput {
    /// What is written.
    public enum Form: Sendable {
        /// A table for the terminal, a row per report as it comes.
        case table
        /// One pretty-printed JSON array, an element per report as it comes.
        case json
        /// One JSON object a line, as `alerts/alerts.ndjson` holds them.
        case ndjson
        /// Episodes per rule, subject and month, written at the end.
        case summary
    }

    /// What is written: a table, JSON, NDJSON or the summary.
    public let form: Form
    /// The zone the hours are written in.
    public let zone: LocalZone
    /// The language of titles, headings and messages.
    public let language: Language
    private let widths: [Int]
    private let table: TextTable
    private var summary: AlertSummary
    private var written = 0

    /// Output in `form`, hours in `zone`, titles and messages in `language`;
    /// a table's columns fit every id of `ruleIDs` and every name of `subjects`.
    public init(form: Form, zone: LocalZone, language: Language, ruleIDs: [String] = [], subjects: [AlertSubject] = []) {
        self.form = form
        self.zone = zone
        self.language = language
        self.summary = AlertSummary(zone: zone)
        self.table = AlertReport.tableColumns(language)
        self.widths = form == .table ? Self.widths(zone: zone, language: language, ruleIDs: ruleIDs, subjects: subjects) : []
    }

    /// How many reports were written (counted, for the summary).
    public var count: Int { written }

    /// Appends what `event` adds to the output to `out`.
    public mutating func add(_ event: AlertEvent, to out: inout String) {
        defer { written += 1 }
        switch form {
        case .summary:
            summary.add(event)
        case .ndjson:
            event.json(zone).write(to: &out)
            out += "\n"
        case .json:
            out += written == 0 ? "[\n  " : ",\n  "
            event.json(zone).write(to: &out, pretty: true, indent: "  ")
        case .table:
            if written == 0 { out += table.heading(widths: widths) }
            out += table.row(AlertReport.row(event, zone: zone, language: language), widths: widths)
        }
    }

    /// Appends the end of the output to `out` (the summary's tables, the
    /// JSON array's end, or the note that there was nothing to report).
    public func finish(to out: inout String) {
        finish { out += $0 }
    }

    /// Hands the end of the output to `write`, in pieces (a summary of years is long).
    public func finish(write: (String) -> Void) {
        switch form {
        case .summary: summary.render(language: language, write: write)
        case .ndjson: break
        case .json: write(written == 0 ? "[]\n" : "\n]\n")
        case .table: if written == 0 { write(AlertReport.nothingNew(language)) }
        }
    }

    /// Column widths that fit every report the replay can make: the hour,
    /// every event and severity name, every rule id, every subject's name
    /// (the message, last, is not padded).
    static func widths(zone: LocalZone, language: Language, ruleIDs: [String], subjects: [AlertSubject]) -> [Int] {
        let table = AlertReport.tableColumns(language)
        func width(_ text: String) -> Int { DisplayWidth.of(TerminalText.sanitized(text)) }
        var widths = table.columns.map { width($0.title) }
        widths[0] = max(widths[0], width(zone.format(Hour(0))))
        for kind in [AlertEvent.Kind.opened, .escalated, .reminder, .closed] {
            widths[1] = max(widths[1], width(AlertReport.eventName(kind, language)))
        }
        for severity in Severity.allCases { widths[2] = max(widths[2], width(severity.rawValue)) }
        for id in ruleIDs { widths[3] = max(widths[3], width(id)) }
        for subject in subjects { widths[4] = max(widths[4], width(AlertReport.subjectName(subject))) }
        return widths
    }
}
