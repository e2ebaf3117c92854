import Foundation
import HazeModel
import HazeRegistry
import HazeStore

/// Options of an ingest run.
public struct IngestOptions: Sendable {
    /// Forces a format instead of detecting it from the header.
    public var format: IngestFormat?
    public var unknownStations: UnknownStationPolicy
    /// Readings after this hour are refused as in the future. Default: now + 1 h.
    package var latestHour: Hour
    /// The station an OpenAQ payload belongs to (its sensor is named only in the URL).
    public var station: String?
    /// How far one write may move the hourly window (`--advance-window` lifts the limit).
    public var windowPolicy: WindowPolicy
    /// The largest input accepted, read and decompressed, in bytes: a gzip
    /// bomb or an endless FIFO is refused at this size, with memory bounded by it.
    public var maximumPayloadBytes: Int

    public init(format: IngestFormat? = nil, unknownStations: UnknownStationPolicy = .quarantine,
                latestHour: Hour = Hour.now.advanced(by: 1), station: String? = nil,
                windowPolicy: WindowPolicy = .standard, maximumPayloadBytes: Int = Gzip.defaultLimit) {
        self.format = format
        self.unknownStations = unknownStations
        self.latestHour = latestHour
        self.station = station
        self.windowPolicy = windowPolicy
        self.maximumPayloadBytes = maximumPayloadBytes
    }
}

extension Hour {
    /// The current hour by the system clock.
    public static var now: Hour { Hour(Int(Foundation.time(nil)) / 3600) }
}

/// The one parse → validate → store path, shared by `haze ingest` and `haze pull`.
public struct Ingester {
    public let store: Store
    public let registry: StationRegistry
    public var options: IngestOptions
    /// How many rejections per source to keep in the report for the terminal.
    var reportedRejections = 5
    /// The last batch's keys and their store indices: consecutive day files
    /// share a header, so resolving is an array comparison instead of 3 210 lookups.
    private let lastResolution = ResolutionCache()

    public init(store: Store, registry: StationRegistry, options: IngestOptions = IngestOptions()) {
        self.store = store
        self.registry = registry
        self.options = options
    }

    /// Ingests one source. Data problems never throw: they are quarantined and
    /// reported. Only a store failure (disk full, damaged ring) throws.
    public func ingest(_ source: IngestSource) throws(StoreError) -> SourceReport {
        try ingestKeepingInput(source).report
    }

    /// Ingests one source and hands back what was read (for the raw archive),
    /// nil when it could not be read.
    package func ingestKeepingInput(_ source: IngestSource) throws(StoreError) -> (report: SourceReport, input: LoadedInput?) {
        var report = SourceReport(source: source.name)
        let input: LoadedInput
        do {
            input = try source.load(limit: options.maximumPayloadBytes)
        } catch {
            report.failure = error.description
            return (report, nil)
        }
        report.bytes = input.bytes.count
        let report2 = try ingest(bytes: input.bytes, name: source.name, identity: source.identity(content: input.bytes), into: report)
        return (report2, input)
    }

    /// Ingests bytes already loaded (and decompressed). `identity` tells
    /// sources with the same name apart in the quarantine (default: the name).
    public func ingest(bytes: [UInt8], name: String, identity: String? = nil,
                       into initial: SourceReport? = nil) throws(StoreError) -> SourceReport {
        var report = initial ?? SourceReport(source: name)
        report.bytes = bytes.count
        let identity = identity ?? name
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            report.failure = "\(name): the file is empty"
            try Quarantine(store: store).record([], for: name, identity: identity)
            return report
        }
        guard let format = options.format ?? IngestFormat.detect(bytes) else {
            let firstLine = String(decoding: bytes.prefix(while: { $0 != 0x0A }).prefix(80), as: UTF8.self)
            report.failure = IngestError.unknownFormat(source: name, firstLine: firstLine).description
            try Quarantine(store: store).record([
                Rejection(source: name, line: 1, field: "header", value: firstLine, reason: "unknown format")
            ], for: name, identity: identity)
            return report
        }
        report.format = format
        let context = ParseContext(source: name, zone: store.zone, latestHour: options.latestHour,
                                   registry: registry, unknownStations: options.unknownStations)
        let batch: ParsedBatch
        switch format {
        case .cnemcWide: batch = CNEMCWideParser().parse(bytes, context: context)
        case .longCSV: batch = LongCSVParser().parse(bytes, context: context)
        case .longMinutes: batch = LongCSVParser(minutes: true).parse(bytes, context: context)
        case .cnemcHourly: batch = CNEMCHourlyParser().parse(bytes, context: context)
        case .openaqV3: batch = OpenAQParser(station: options.station).parse(bytes, context: context).batch
        }
        return try commit(batch, report: report, identity: identity)
    }

    /// Resolves, writes, flags and quarantines a parsed batch.
    package func commit(_ batch: ParsedBatch, report initial: SourceReport, identity: String? = nil) throws(StoreError) -> SourceReport {
        var report = initial
        let name = report.source
        report.linesRead = batch.linesRead
        report.valuesRead = batch.valuesRead
        report.otherRowsSkipped = batch.otherRowsSkipped
        report.rowsWithoutValue = batch.rowsWithoutValue
        report.derivedValuesSkipped = batch.derivedValuesSkipped
        report.notMonitored = batch.notMonitored
        report.unknownSkipped = batch.unknownSkipped
        report.notes = batch.notes
        report.hoursPerDate = batch.hoursPerDate

        let indices = try lastResolution.indices(for: batch.keys) { keys throws(StoreError) in try store.resolve(keys) }
        let readings = batch.readings.map {
            StoredReading(series: indices[Int($0.key)], hour: Hour(Int($0.hour)), value: Int($0.value))
        }
        let written = try store.write(readings, policy: options.windowPolicy)
        report.stored = written.stored
        report.unchanged = written.unchanged
        report.corrected = written.corrected

        var problems = batch.rejections
        var refused = Set<Int>()
        if let accept = store.oldestWritableHour, !written.tooOld.isEmpty {
            for position in written.tooOld {
                refused.insert(position)
                let reading = batch.readings[position]
                let key = batch.keys[Int(reading.key)]
                let hour = Hour(Int(reading.hour))
                problems.append(Rejection(
                    source: name, line: Int(reading.line), field: key.station, station: key.station,
                    time: store.zone.format(hour), pollutant: key.pollutant.displayName, value: String(reading.value),
                    reason: "older than the store's hourly window (oldest writable hour \(store.zone.format(accept)))"))
            }
            report.notes.append("\(name): \(written.tooOld.count) value(s) older than the hourly window (before \(store.zone.format(accept))) were refused")
        }
        if let jump = written.jump, !written.tooNew.isEmpty {
            for position in written.tooNew {
                refused.insert(position)
                let reading = batch.readings[position]
                let key = batch.keys[Int(reading.key)]
                problems.append(Rejection(
                    source: name, line: Int(reading.line), field: key.station, station: key.station,
                    time: store.zone.format(Hour(Int(reading.hour))), pollutant: key.pollutant.displayName,
                    value: String(reading.value), reason: jump.losesDays ? "would push days out of the daily ring" : "would jump the hourly window"))
            }
            report.notes.append("\(name): \(written.tooNew.count) value(s) refused: \(jump)")
        }
        problems += flags(batch, readings: readings, refused: refused, source: name)
        report.quarantined = problems.count { $0.action == .rejected }
        report.flagged = problems.count { $0.action == .kept }
        report.rejections = Array(problems.filter { $0.action == .rejected }.prefix(reportedRejections))
        report.quarantineFile = try Quarantine(store: store).record(problems, for: name, identity: identity ?? name)
        return report
    }

    /// PM2.5 above PM10 in the same station-hour is physically impossible and
    /// usually an instrument fault: kept (it is what was published) but flagged.
    private func flags(_ batch: ParsedBatch, readings: [StoredReading], refused: Set<Int>, source: String) -> [Rejection] {
        var result: [Rejection] = []
        var seen = Set<Int64>()
        for (position, reading) in readings.enumerated() {
            let series = Int(reading.series)
            guard let other = store.counterpart(of: series) else { continue }
            let hour = reading.hourStamp
            guard let mine = store.value(series, at: hour), let theirs = store.value(other, at: hour) else { continue }
            let isPM25 = store.series[series].pollutant == .pm25
            let (pm25, pm10) = isPM25 ? (mine, theirs) : (theirs, mine)
            guard pm25 > pm10, !refused.contains(position) else { continue }
            let pair = Int64(min(series, other)) << 32 | Int64(UInt32(truncatingIfNeeded: reading.hour))
            guard seen.insert(pair).inserted else { continue }
            let station = store.series[series].station
            result.append(Rejection(
                source: source, line: Int(batch.readings[position].line),
                field: station, station: station, time: store.zone.format(hour),
                pollutant: "PM2.5", value: "\(pm25) > PM10 \(pm10)",
                reason: "PM2.5 exceeds PM10 in the same hour (instrument fault?); stored, flagged", action: .kept))
        }
        return result
    }
}

/// Remembers the last key list resolved against the store.
final class ResolutionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [SeriesKey] = []
    private var indices: [Int] = []

    func indices(for keys: [SeriesKey], resolve: ([SeriesKey]) throws(StoreError) -> [Int]) throws(StoreError) -> [Int] {
        if let cached = lock.withLock({ keys == self.keys ? self.indices : nil }) { return cached }
        let resolved = try resolve(keys)
        lock.withLock {
            self.keys = keys
            self.indices = resolved
        }
        return resolved
    }
}
