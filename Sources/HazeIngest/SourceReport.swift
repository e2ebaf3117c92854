import HazeModel

/// What ingesting one source did.
public struct SourceReport: Sendable {
    /// The source's name (a path, `stdin`, a pulled payload's name).
    public var source: String
    /// The format it was read as; nil when it could not be read or recognised.
    public var format: IngestFormat?
    /// Bytes of content read, after decompression.
    public var bytes = 0
    /// CSV records read, the header included (an OpenAQ page: its results).
    public var linesRead = 0
    /// Values seen (stored, refused or skipped).
    public var valuesRead = 0
    /// Values written into empty slots.
    public var stored = 0
    /// Values equal to what the store already held (a source ingested again).
    public var unchanged = 0
    package var corrected = 0
    /// Rows or cells refused (in the quarantine file).
    public var quarantined = 0
    /// Values stored but flagged (PM2.5 > PM10 in the same hour).
    public var flagged = 0
    /// Rows of other pollutants (AQI, SO2 …), skipped by design.
    var otherRowsSkipped = 0
    /// Rows that carried no value.
    var rowsWithoutValue = 0
    /// Values CNEMC derives (a snapshot's `aqi`, `_24h` and 8-hour columns), skipped by design.
    var derivedValuesSkipped = 0
    /// Snapshot cells marked `/` (pollutant not measured at the station).
    var notMonitored = 0
    /// Values of stations outside the registry, dropped under `--unknown-stations skip`.
    var unknownSkipped = 0
    /// Whole-source observations for the user: missing hours, truncation, skipped columns, refused window moves.
    public var notes: [String] = []
    /// Day files: hours with both PM rows, per local date (24 = complete).
    package var hoursPerDate: [CivilDate: Int] = [:]
    /// The first problems, for the terminal; all of them are in the quarantine file.
    public var rejections: [Rejection] = []
    /// The source's quarantine file (`<store>/quarantine/…`); nil when nothing was refused or flagged.
    public var quarantineFile: String?
    /// Set when nothing of the source could be read.
    public var failure: String?

    package init(source: String) { self.source = source }
}

/// Totals of an ingest run over several sources.
public struct IngestSummary: Sendable, Codable, Equatable {
    /// Sources counted, failed ones included.
    public var sources = 0
    var failedSources = 0
    /// Bytes of content read, after decompression.
    public var bytes = 0
    /// CSV records read, headers included (OpenAQ pages: their results).
    public var linesRead = 0
    /// Values seen (stored, refused or skipped).
    public var valuesRead = 0
    /// Values written into empty slots.
    public var stored = 0
    /// Values equal to what the store already held.
    public var unchanged = 0
    package var corrected = 0
    /// Rows or cells refused (in the sources' quarantine files).
    public var quarantined = 0
    /// Values stored but flagged (PM2.5 > PM10 in the same hour).
    public var flagged = 0
    var unknownSkipped = 0
    var otherRowsSkipped = 0
    var rowsWithoutValue = 0
    var derivedValuesSkipped = 0
    var notMonitored = 0

    /// Nothing counted yet.
    public init() {}

    /// Counts one source's report in (a failed source as a source that could not be read).
    public mutating func add(_ report: SourceReport) {
        sources += 1
        if report.failure != nil { failedSources += 1 }
        bytes += report.bytes
        linesRead += report.linesRead
        valuesRead += report.valuesRead
        stored += report.stored
        unchanged += report.unchanged
        corrected += report.corrected
        quarantined += report.quarantined
        flagged += report.flagged
        unknownSkipped += report.unknownSkipped
        otherRowsSkipped += report.otherRowsSkipped
        rowsWithoutValue += report.rowsWithoutValue
        derivedValuesSkipped += report.derivedValuesSkipped
        notMonitored += report.notMonitored
    }

    /// True when at least one source could be read.
    public var readAnything: Bool { sources > failedSources }

    /// The one-line summary printed at the end of a run.
    public var line: String {
        var text = "ingest: \(sources) source(s), \(linesRead) lines, \(valuesRead) values read; "
            + "stored \(stored), unchanged \(unchanged), corrected \(corrected), quarantined \(quarantined)"
        if flagged > 0 { text += ", flagged \(flagged) (PM2.5 > PM10, kept)" }
        if unknownSkipped > 0 { text += ", skipped \(unknownSkipped) (stations not in the registry)" }
        var skipped: [String] = []
        if otherRowsSkipped > 0 { skipped.append("\(otherRowsSkipped) row(s) of values CNEMC derives or other measurements (AQI, PM2.5_24h, O3_8h …)") }
        if derivedValuesSkipped > 0 { skipped.append("\(derivedValuesSkipped) value(s) CNEMC derives (aqi, _24h and 8-hour columns)") }
        if notMonitored > 0 { skipped.append("\(notMonitored) cell(s) marked / (not measured at the station)") }
        if rowsWithoutValue > 0 { skipped.append("\(rowsWithoutValue) row(s) without a value") }
        if !skipped.isEmpty { text += "; not stored: " + skipped.joined(separator: ", ") }
        if failedSources > 0 { text += "; \(failedSources) source(s) could not be read" }
        return text
    }
}
