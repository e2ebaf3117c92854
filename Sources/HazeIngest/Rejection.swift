/// One problem found in input: a row or cell refused (and quarantined), or a
/// value kept but flagged. Carries enough to find it in the file and to
/// re-ingest it once fixed.
public struct Rejection: Sendable, Equatable {
    /// Whether the value was refused or kept.
    public enum Action: String, Sendable {
        /// Not stored; kept only in the quarantine file.
        case rejected
        /// Stored, but suspicious (e.g. PM2.5 > PM10 in the same hour).
        case kept
    }

    /// The source's name (a path, `stdin`, or a pull source's payload).
    public var source: String
    /// The 1-based line of the source the problem is on.
    public var line: Int
    /// The column: a station code for a wide-format cell, else the field name.
    public var field: String
    /// The station code, when known (else empty).
    public var station: String
    /// Local ISO-8601 time of the reading, when known.
    public var time: String
    /// The pollutant (`PM2.5`, or as the source writes it), when known (else empty).
    public var pollutant: String
    /// The offending text: the cell, or the whole line for a line-level problem.
    public var value: String
    /// Why it was refused or flagged, in words a user can act on.
    public var reason: String
    /// Refused (only in the quarantine) or kept (stored, flagged).
    public var action: Action

    init(source: String, line: Int, field: String, station: String = "", time: String = "",
                pollutant: String = "", value: String, reason: String, action: Action = .rejected) {
        self.source = source
        self.line = line
        self.field = field
        self.station = station
        self.time = time
        self.pollutant = pollutant
        self.value = value
        self.reason = reason
        self.action = action
    }

    static let csvHeader = ["source", "line", "field", "station", "time", "pollutant", "value", "reason", "action"]

    var csvFields: [String] {
        [source, String(line), field, station, time, pollutant, value, reason, action.rawValue]
    }

    /// `file:line: field 'X': reason`
    public var message: String {
        let what = value.count > 60 ? String(value.prefix(57)) + "…" : value
        return "\(source):\(line): field '\(field)'\(what.isEmpty ? "" : " = '\(what)'"): \(reason)"
    }
}
