import Foundation
import HazeModel
import HazeRegistry
import HazeStore

/// One `haze ingest` run, as a library call: expands the paths (a directory
/// becomes its files in name order, `-` is standard input), ingests every
/// source through the `Ingester`, keeps what it read in the raw archive when
/// asked (`--archive`: every payload read, standard input included, each under
/// its own identity), and appends one JSON line to `<store>/ingest.log`.
public struct IngestRun {
    /// The store written to (opened for writing: the run holds its lock).
    public let store: Store
    /// The registry station codes are checked against.
    public let registry: StationRegistry
    /// How every source is read: format, unknown stations, window policy, size limit.
    public var options: IngestOptions
    /// Keep every payload read under `<store>/raw/` (for `haze rebuild`).
    public var archive: Bool
    /// A batch of consecutive sources written as one (see `Ingester.finish(_:)`)
    /// holds at most this many sources and stops once it holds this many bytes:
    /// the bound on memory and on how much one durable commit covers.
    static let batchSources = 16
    static let batchBytes = 24 << 20

    /// A run into `store`; nothing is read until `run(_:progress:)`.
    public init(store: Store, registry: StationRegistry, options: IngestOptions = IngestOptions(), archive: Bool = false) {
        self.store = store
        self.registry = registry
        self.options = options
        self.archive = archive
    }

    /// Ingests `paths` (absolute paths, or `-` for standard input).
    /// `progress` hears (position, count, source name) before each source.
    public func run(_ paths: [String], progress: ((Int, Int, String) -> Void)? = nil) throws(StoreError) -> IngestRunReport {
        let started = Date()
        let (sources, missing) = IngestSource.expand(paths)
        var report = IngestRunReport()
        report.missing = missing
        for _ in missing {
            report.summary.sources += 1
            report.summary.failedSources += 1
        }
        let ingester = Ingester(store: store, registry: registry, options: options)
        let rawArchive = archive ? RawArchive(store: store) : nil
        // Sources are read and parsed ahead on worker threads; this thread
        // writes them in order, in batches of consecutive sources.
        let pipeline = ParsePipeline(sources: sources, options: options, registry: registry, zone: store.zone,
                                     keepingInput: archive, storedPool: ingester.storedPool)
        pipeline.start()
        defer { pipeline.stop() }
        var position = 0
        while position < sources.count {
            var batch: [PreparedSource] = []
            var bytes = 0
            repeat {
                progress?(position + 1, sources.count, sources[position].name)
                let prepared = pipeline.take(position)
                position += 1
                bytes += prepared.report.bytes
                if let resolution = ingester.reserveSeries(of: prepared) { pipeline.publish(resolution) }
                batch.append(prepared)
            } while position < sources.count && batch.count < Self.batchSources && bytes < Self.batchBytes
            let reports = try ingester.finish(batch)
            for (n, (prepared, sourceReport)) in zip(batch, reports).enumerated() {
                let source = sources[position - batch.count + n]
                report.summary.add(sourceReport)
                report.sources.append(sourceReport)
                guard let rawArchive else { continue }
                if let input = prepared.input, sourceReport.failure == nil {
                    let name = source == .standardInput ? "stdin" : (source.name as NSString).lastPathComponent
                    report.archived.append(try rawArchive.store(.file(name: name, options: options), bytes: input.bytes,
                                                                original: input.original))
                } else {
                    report.notArchived.append(source.name)
                }
            }
            pipeline.recycle(&batch)
        }
        // What `haze status` reads in O(1) (once per run, O(window)).
        store.recordStatusSummary()
        report.seconds = Date().timeIntervalSince(started)
        try AtomicFile.appendLine(report.logLine(at: Date()), to: store.directory + "/ingest.log")
        return report
    }
}

/// What an ingest run did: per source, in total, and what it archived.
public struct IngestRunReport: Sendable {
    /// Every source read, in order.
    public var sources: [SourceReport] = []
    /// Paths that do not exist (counted as failed sources).
    public var missing: [String] = []
    /// With `archive`: the payloads kept under raw/ (one per source read).
    public var archived: [ArchivedPayload] = []
    /// With `archive`: sources not archived because nothing could be ingested from them.
    public var notArchived: [String] = []
    /// Totals over every source, missing paths counted as failed sources.
    public var summary = IngestSummary()
    /// Wall-clock seconds the run took.
    public var seconds = 0.0

    init() {}

    /// True when at least one source could be read.
    public var readAnything: Bool { summary.readAnything }

    /// The line appended to `<store>/ingest.log`.
    func logLine(at date: Date) -> String {
        JSONValue.object([
            ("time", .string(ISO8601DateFormatter().string(from: date))),
            ("seconds", .decimal(seconds, places: 3)),
            ("sources", .int(summary.sources)), ("failed", .int(summary.failedSources)),
            ("lines", .int(summary.linesRead)), ("values", .int(summary.valuesRead)),
            ("stored", .int(summary.stored)), ("unchanged", .int(summary.unchanged)),
            ("corrected", .int(summary.corrected)), ("quarantined", .int(summary.quarantined)),
            ("flagged", .int(summary.flagged)), ("skipped_unknown_stations", .int(summary.unknownSkipped)),
            ("skipped_other_pollutants", .int(summary.otherRowsSkipped)),
            ("skipped_without_value", .int(summary.rowsWithoutValue)),
            ("skipped_derived_values", .int(summary.derivedValuesSkipped)),
            ("not_monitored", .int(summary.notMonitored)),
            ("archived", .int(archived.count)),
        ]).serialized()
    }
}
