import Foundation
import Synchronization
import HazeModel
import HazeRegistry
import HazeStore

/// Options of an ingest run.
public struct IngestOptions: Sendable {
    /// Forces a format instead of detecting it from the header.
    public var format: IngestFormat?
    /// What to do with values of stations missing from the registry (default: quarantine them).
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

    /// Options; the defaults detect the format, quarantine unknown stations, refuse
    /// readings after the next hour and window jumps beyond `WindowPolicy.standard`.
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
    /// The store written to (opened for writing).
    public let store: Store
    /// The registry station codes are checked against.
    public let registry: StationRegistry
    /// How sources are read and written.
    public var options: IngestOptions
    /// How many rejections per source to keep in the report for the terminal.
    var reportedRejections = 5
    /// The last batch's keys and their store indices: consecutive day files
    /// share a header, so resolving is an array comparison instead of 3 210 lookups.
    private let lastResolution = ResolutionCache()
    /// Arrays of the store's readings, kept from batch to batch (and shared
    /// with the parse workers of an `IngestRun`, which convert into them).
    var storedPool = StoredReadingPool()

    /// An ingester writing into `store`; `store` must be open for writing.
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
        let prepared = Self.prepare(source, options: options, registry: registry, zone: store.zone)
        return (try finish(prepared), prepared.input)
    }

    /// Ingests bytes already loaded (and decompressed). `identity` tells
    /// sources with the same name apart in the quarantine (default: the name).
    public func ingest(bytes: [UInt8], name: String, identity: String? = nil,
                       into initial: SourceReport? = nil) throws(StoreError) -> SourceReport {
        try finish(Self.prepare(bytes: bytes, name: name, identity: identity ?? name, options: options,
                                registry: registry, zone: store.zone, into: initial))
    }

    /// Reads and parses a source without touching the store: what the parse
    /// workers of an `IngestRun` do in parallel, on any thread.
    package static func prepare(_ source: IngestSource, options: IngestOptions, registry: StationRegistry,
                                zone: LocalZone, keepingInput: Bool = true) -> PreparedSource {
        var buffers = ParseBuffers()
        return prepare(source, options: options, registry: registry, zone: zone, keepingInput: keepingInput,
                       buffers: &buffers)
    }

    /// The same, reading into `buffers` (a worker's, reused source after source).
    package static func prepare(_ source: IngestSource, options: IngestOptions, registry: StationRegistry,
                                zone: LocalZone, keepingInput: Bool, buffers: inout ParseBuffers) -> PreparedSource {
        let input: LoadedInput
        do {
            input = try source.load(limit: options.maximumPayloadBytes, reusing: &buffers.bytes)
        } catch {
            var report = SourceReport(source: source.name)
            report.failure = error.description
            return PreparedSource(report: report, identity: source.name, content: .unreadable)
        }
        var report = SourceReport(source: source.name)
        report.bytes = input.bytes.count
        var prepared = prepare(bytes: input.bytes, name: source.name, identity: source.identity(content: input.bytes),
                               options: options, registry: registry, zone: zone, into: report,
                               readings: &buffers.readings)
        if keepingInput { prepared.input = input }
        return prepared
    }

    /// Parses loaded bytes without touching the store.
    package static func prepare(bytes: [UInt8], name: String, identity: String, options: IngestOptions,
                                registry: StationRegistry, zone: LocalZone, into initial: SourceReport?) -> PreparedSource {
        var readings: [ParsedBatch.Reading] = []
        return prepare(bytes: bytes, name: name, identity: identity, options: options, registry: registry, zone: zone,
                       into: initial, readings: &readings)
    }

    /// The same; the wide parser fills `readings` (emptied, its capacity
    /// reused) and hands it over in the batch, leaving an empty array.
    package static func prepare(bytes: [UInt8], name: String, identity: String, options: IngestOptions,
                                registry: StationRegistry, zone: LocalZone, into initial: SourceReport?,
                                readings: inout [ParsedBatch.Reading]) -> PreparedSource {
        var report = initial ?? SourceReport(source: name)
        report.bytes = bytes.count
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            report.failure = "\(name): the file is empty"
            return PreparedSource(report: report, identity: identity, content: .empty)
        }
        guard let format = options.format ?? IngestFormat.detect(bytes) else {
            let lineEnd: UInt8 = LineBreaks.areCR(bytes) ? 0x0D : 0x0A
            let firstLine = String(decoding: bytes.prefix(while: { $0 != lineEnd }).prefix(80), as: UTF8.self)
            report.failure = IngestError.unknownFormat(source: name, firstLine: firstLine).description
            return PreparedSource(report: report, identity: identity, content: .unknownFormat(
                Rejection(source: name, line: 1, field: "header", value: firstLine, reason: "unknown format")))
        }
        report.format = format
        let context = ParseContext(source: name, zone: zone, latestHour: options.latestHour,
                                   registry: registry, unknownStations: options.unknownStations)
        var batch: ParsedBatch
        switch format {
        case .cnemcWide: batch = CNEMCWideParser().parse(bytes, context: context, reusing: &readings)
        case .longCSV: batch = LongCSVParser().parse(bytes, context: context)
        case .longMinutes: batch = LongCSVParser(minutes: true).parse(bytes, context: context)
        case .cnemcHourly: batch = CNEMCHourlyParser().parse(bytes, context: context)
        case .openaqV3: batch = OpenAQParser(station: options.station).parse(bytes, context: context).batch
        }
        if format != .openaqV3 && LineBreaks.areCR(bytes) {
            batch.notes.append("\(name): its lines end with CR alone (classic Mac OS: no LF in the file); each CR was read as a line break")
        }
        return PreparedSource(report: report, identity: identity, content: .parsed(batch))
    }

    /// Stores a prepared source: its readings, or what its quarantine records.
    package func finish(_ prepared: PreparedSource) throws(StoreError) -> SourceReport {
        let name = prepared.report.source
        switch prepared.content {
        case .unreadable:
            return prepared.report
        case .empty:
            try Quarantine(store: store).record([], for: name, identity: prepared.identity)
            return prepared.report
        case .unknownFormat(let rejection):
            try Quarantine(store: store).record([rejection], for: name, identity: prepared.identity)
            return prepared.report
        case .parsed(let batch):
            return try commit(batch, report: prepared.report, identity: prepared.identity)
        }
    }

    /// Adds a prepared source's series to the store ahead of its write: the
    /// writer of a run calls it as each source arrives, so that widening the
    /// rings for new stations overlaps the parsing of the rest of the batch.
    /// A failure is left for `finish` to meet at the source's turn.
    /// Returns the keys and their store indices (nil on failure or for no keys).
    @discardableResult
    package func reserveSeries(of prepared: PreparedSource) -> (keys: [SeriesKey], indices: [Int])? {
        guard case .parsed(let batch) = prepared.content else { return nil }
        guard let indices = try? lastResolution.indices(for: batch.keys, resolve: { keys throws(StoreError) in try store.resolve(keys) })
        else { return nil }
        return (batch.keys, indices)
    }

    /// Stores prepared sources in order, with the same result — store,
    /// quarantine, reports — as `finish` on each in turn. When their hours do
    /// not overlap and nothing would be refused (the store decides, see
    /// `Store.write(_:segments:policy:)`) their readings go in as one write:
    /// one window move, one roll-up per day and one set of syncs for all of
    /// them; otherwise one by one.
    package func finish(_ sources: [PreparedSource]) throws(StoreError) -> [SourceReport] {
        // One array of the store's readings per parsed source: converted by
        // a parse worker when it resolved the keys as the store does now
        // (`ParsedBatch.converted`), else here, into an array the pool
        // keeps between batches (its pages are not faulted in again).
        var arrays: [[StoredReading]] = []
        var parsed: [Int: Int] = [:]  // source position → its array
        var own: [Int] = []  // the arrays converted here, given back after the write
        defer { for n in own { storedPool.give(&arrays[n]) } }
        do throws(StoreError) {
            for (n, prepared) in sources.enumerated() {
                guard case .parsed(let batch) = prepared.content else { continue }
                let indices = try lastResolution.indices(for: batch.keys) { keys throws(StoreError) in try store.resolve(keys) }
                parsed[n] = arrays.count
                if let converted = batch.converted, converted.indices == indices {
                    arrays.append(converted.readings)
                } else {
                    var readings = storedPool.take()
                    Self.convert(batch.readings, indices: indices, appendingTo: &readings)
                    own.append(arrays.count)
                    arrays.append(readings)
                }
            }
        } catch {
            // A source's keys cannot be added: one by one, it fails at its turn.
            return try sources.map { (prepared) throws(StoreError) in try finish(prepared) }
        }
        guard arrays.count > 1, let written = try store.write(sources: arrays, policy: options.windowPolicy) else {
            return try sources.map { (prepared) throws(StoreError) in try finish(prepared) }
        }
        var reports: [SourceReport] = []
        reports.reserveCapacity(sources.count)
        for (n, prepared) in sources.enumerated() {
            guard let array = parsed[n], case .parsed(let batch) = prepared.content else {
                reports.append(try finish(prepared))
                continue
            }
            reports.append(try record(batch, readings: arrays[array][...], written: written[array],
                                      report: prepared.report, identity: prepared.identity))
        }
        return reports
    }

    /// Appends `parsed` as the store's readings (`indices`: the store index of
    /// each batch-local key), converted a few thousand at a time into a small
    /// buffer that stays in cache and appended from it in one copy each:
    /// no per-element `append`, and the big array is written once.
    static func convert(_ parsed: [ParsedBatch.Reading], indices: [Int], appendingTo readings: inout [StoredReading]) {
        // With room to spare when it grows: a reused array fits the next, larger source too.
        if readings.capacity - readings.count < parsed.count {
            readings.reserveCapacity(readings.count + parsed.count + parsed.count / 4)
        }
        let chunk = 4096
        var scratch = [StoredReading](repeating: StoredReading(series: 0, hour: Hour(0), value: 0), count: chunk)
        indices.withUnsafeBufferPointer { indices in
            parsed.withUnsafeBufferPointer { parsed in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    var from = 0
                    while from < parsed.count {
                        let count = min(chunk, parsed.count - from)
                        for k in 0 ..< count {
                            let reading = parsed[from + k]
                            scratch[k] = StoredReading(series: indices[Int(reading.key)], hour: Hour(Int(reading.hour)),
                                                       value: Int(reading.value))
                        }
                        readings.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0 ..< count]))
                        from += count
                    }
                }
            }
        }
    }

    /// Resolves, writes, flags and quarantines a parsed batch.
    package func commit(_ batch: ParsedBatch, report initial: SourceReport, identity: String? = nil) throws(StoreError) -> SourceReport {
        let indices = try lastResolution.indices(for: batch.keys) { keys throws(StoreError) in try store.resolve(keys) }
        let readings = batch.readings.map {
            StoredReading(series: indices[Int($0.key)], hour: Hour(Int($0.hour)), value: Int($0.value))
        }
        let written = try store.write(readings, policy: options.windowPolicy)
        return try record(batch, readings: readings[...], written: written, report: initial, identity: identity)
    }

    /// After the write: the report, the refused and flagged readings, the quarantine.
    private func record(_ batch: ParsedBatch, readings: ArraySlice<StoredReading>, written: WriteReport,
                        report initial: SourceReport, identity: String?) throws(StoreError) -> SourceReport {
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
        problems += flags(batch, readings: readings, found: written.particulateExcess, refused: refused, source: name)
        report.quarantined = problems.count { $0.action == .rejected }
        report.flagged = problems.count { $0.action == .kept }
        report.rejections = Array(problems.filter { $0.action == .rejected }.prefix(reportedRejections))
        report.quarantineFile = try Quarantine(store: store).record(problems, for: name, identity: identity ?? name)
        return report
    }

    /// PM2.5 above PM10 in the same station-hour is physically impossible and
    /// usually an instrument fault: kept (it is what was published) but flagged.
    /// `found`: what the write found already (`WriteReport.particulateExcess`).
    private func flags(_ batch: ParsedBatch, readings: ArraySlice<StoredReading>, found: [Store.ParticulateExcess]?,
                       refused: Set<Int>, source: String) -> [Rejection] {
        var result: [Rejection] = []
        var seen = Set<Int64>()
        for excess in found ?? store.particulateExcess(readings) {
            let position = excess.position, series = excess.series
            guard !refused.contains(position) else { continue }
            let hourIndex = batch.readings[position].hour
            let pair = Int64(min(series, excess.other)) << 32 | Int64(UInt32(truncatingIfNeeded: hourIndex))
            guard seen.insert(pair).inserted else { continue }
            let hour = Hour(Int(hourIndex))
            let station = store.series[series].station
            result.append(Rejection(
                source: source, line: Int(batch.readings[position].line),
                field: station, station: station, time: store.zone.format(hour),
                pollutant: "PM2.5", value: "\(excess.pm25) > PM10 \(excess.pm10)",
                reason: "PM2.5 exceeds PM10 in the same hour (instrument fault?); stored, flagged", action: .kept))
        }
        return result
    }
}

/// A source read and parsed, not yet stored (see `Ingester.prepare`).
package struct PreparedSource: Sendable {
    package enum Content: Sendable {
        /// Nothing could be read (the report says why); nothing to record.
        case unreadable
        /// Only white space: the quarantine file of an earlier run is removed.
        case empty
        /// No format recognised: quarantined whole.
        case unknownFormat(Rejection)
        case parsed(ParsedBatch)
    }

    /// What was read, for the raw archive (nil when unreadable, given as
    /// bytes, or not kept because nothing is archived).
    package var input: LoadedInput?
    /// The report so far (name, bytes, format; the failure when there is one).
    package var report: SourceReport
    /// Tells sources of the same name apart in the quarantine.
    package var identity: String
    package var content: Content

    init(input: LoadedInput? = nil, report: SourceReport, identity: String, content: Content) {
        self.input = input
        self.report = report
        self.identity = identity
        self.content = content
    }

    /// Bytes held in memory for it (input and readings), to bound what is read ahead.
    package var heldBytes: Int {
        var bytes = (input?.bytes.count ?? 0) + (input.map { $0.original.count == $0.bytes.count ? 0 : $0.original.count } ?? 0)
        if case .parsed(let batch) = content {
            bytes += batch.readings.count * MemoryLayout<ParsedBatch.Reading>.stride
            bytes += (batch.converted?.readings.count ?? 0) * MemoryLayout<StoredReading>.stride
        }
        return bytes
    }
}

/// What a parse worker reuses from one source to the next: the buffer a file
/// is read into, and the array the wide parser fills (taken from a
/// `ReadingPool` the writer gives arrays back to). Memory reused is memory
/// not faulted in again: for the national files that was a third of parsing.
package struct ParseBuffers {
    package var bytes: [UInt8] = []
    package var readings: [ParsedBatch.Reading] = []

    package init() {}
}

/// Arrays of parsed readings the writer is done with, for the parse workers
/// to fill again (emptied, capacity kept; at most `limit` kept).
final class ReadingPool: Sendable {
    private let arrays = Mutex<[[ParsedBatch.Reading]]>([])
    private let limit: Int

    init(limit: Int = 32) { self.limit = limit }

    /// An emptied array with capacity, or an empty one.
    func take() -> [ParsedBatch.Reading] {
        arrays.withLock { $0.popLast() } ?? []
    }

    /// Takes the readings of the prepared sources (leaving them without):
    /// once the writer has written them. Their converted arrays go to `stored`.
    func recycle(_ sources: inout [PreparedSource], stored: StoredReadingPool) {
        for n in sources.indices {
            guard case .parsed = sources[n].content else { continue }
            var content = PreparedSource.Content.unreadable
            swap(&content, &sources[n].content)
            guard case .parsed(var batch) = content else { continue }
            content = .unreadable  // the batch's array is now held once: reused, not copied
            if var converted = batch.converted?.readings {
                batch.converted = nil  // held once now
                stored.give(&converted)
            }
            var readings: [ParsedBatch.Reading] = []
            swap(&readings, &batch.readings)
            guard readings.capacity > 0 else { continue }
            readings.removeAll(keepingCapacity: true)
            arrays.withLock { if $0.count < limit { $0.append(readings) } }
        }
    }
}

/// Arrays of the store's readings kept between batches (emptied, capacity
/// kept; at most `limit`): the writer gives them back after a batch, and it
/// and the parse workers take them to convert into.
final class StoredReadingPool: Sendable {
    private let arrays = Mutex<[[StoredReading]]>([])
    private let limit: Int

    init(limit: Int = 40) { self.limit = limit }

    /// An emptied array with capacity, or an empty one.
    func take() -> [StoredReading] {
        arrays.withLock { $0.popLast() } ?? []
    }

    /// Keeps `readings`' storage (when this is its only holder) and leaves it empty.
    func give(_ readings: inout [StoredReading]) {
        var kept: [StoredReading] = []
        swap(&kept, &readings)
        guard kept.capacity > 0 else { return }
        kept.removeAll(keepingCapacity: true)
        arrays.withLock { if $0.count < limit { $0.append(kept) } }
    }
}

/// Remembers the last key list resolved against the store.
final class ResolutionCache: Sendable {
    private let last = Mutex<(keys: [SeriesKey], indices: [Int])>(([], []))

    func indices(for keys: [SeriesKey], resolve: ([SeriesKey]) throws(StoreError) -> [Int]) throws(StoreError) -> [Int] {
        if let cached = last.withLock({ keys == $0.keys ? $0.indices : nil }) { return cached }
        let resolved = try resolve(keys)
        last.withLock { $0 = (keys, resolved) }
        return resolved
    }
}
