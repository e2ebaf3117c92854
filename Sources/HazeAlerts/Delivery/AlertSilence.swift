import HazeModel

/// Reports not to send for a while: a station under maintenance, a known
/// construction site, a district during an inspection. A silenced report is
/// still evaluated and logged (marked `"silenced": "<id>"`), never sent.
///
/// A silence covers the reports whose hour — the data hour they are about,
/// local time — is in `from` ..< `until` and that its `match` accepts (at
/// least one field: a silence of everything is refused).
public struct AlertSilence: Sendable, Equatable {
    public var id: String
    /// Which reports are silenced (never every report).
    public var match: ReportMatch
    /// Nil: from the beginning.
    public var from: Hour?
    /// The last hour silenced (inclusive).
    public var until: Hour
    /// Why, for the record.
    public var reason: String
    /// Who set it (the CLI records `--by`), and when (ISO time), for the record.
    public var by: String
    /// When it was set (ISO time), for the record.
    public var created: String
    /// Where it comes from: the silences file, or `haze alert silence` (the store).
    public var source: String

    /// A silence of reports matching `match` about hours `from` … `until` (inclusive; `from` nil: from the beginning).
    public init(id: String, match: ReportMatch, from: Hour?, until: Hour, reason: String = "", by: String = "",
                created: String = "", source: String = "") {
        self.id = id
        self.match = match
        self.from = from
        self.until = until
        self.reason = reason
        self.by = by
        self.created = created
        self.source = source
    }

    func covers(_ report: ReportFields) -> Bool {
        report.hour < until && (from.map { report.hour >= $0 } ?? true) && match.matches(report)
    }

    /// Whether it is still in force at `hour`.
    public func isActive(at hour: Hour) -> Bool { hour < until }
}
