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
        // One sync per batch (its journal record), the rings synced once at the
        // end — and when the run stops on an error, for what it wrote before.
        let durability = store.durability
        store.durability = .endOfRun
        defer { store.durability = durability }
        do {
            return try run(sources, missing: missing, started: started, progress: progress)
        } catch {
            try? store.makeDurable()
            throw error
        }
    }

    private func run(_ sources: [IngestSource], missing: [String], started: Date,
                     progress: ((Int, Int, String) -> Void)?) throws(StoreError) -> IngestRunReport {
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
            // The payloads are on disk before the store changes: hours a power
            // loss takes from the rings (named by the next writer) are in raw/.
            if let rawArchive {
                var stored = false
                for (n, prepared) in batch.enumerated() {
                    let source = sources[position - batch.count + n]
                    if let input = prepared.input, prepared.report.failure == nil {
                        let name = source == .standardInput ? "stdin" : (source.name as NSString).lastPathComponent
                        report.archived.append(try rawArchive.store(.file(name: name, options: options), bytes: input.bytes,
                                                                    original: input.original, syncingDirectory: false))
                        stored = true
                    } else {
                        report.notArchived.append(source.name)
                    }
                }
                if stored { try rawArchive.syncDirectory() }
            }
            let reports = try ingester.finish(batch)
            for sourceReport in reports {
                report.summary.add(sourceReport)
                report.sources.append(sourceReport)
            }
            pipeline.recycle(&batch)
        }
        try store.makeDurable()
        // What `haze status` reads in O(1) (once per run, O(window)).
        store.recordStatusSummary()
        report.powerLoss = store.powerLoss
        report.seconds = Date().timeIntervalSince(started)
        // The rings are synced by now, so the line never claims more than they
        // hold; it is synced itself only when it reports a loss (otherwise a
        // power loss within seconds may take the line, never data).
        try AtomicFile.appendLine(report.logLine(at: Date(), zone: store.zone), to: store.directory + "/ingest.log",
                                  durable: report.powerLoss != nil)
        if report.powerLoss != nil { try store.acknowledgePowerLoss() }
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
    /// What this run's writer found after a power loss interrupted an
    /// earlier run: the hours to ingest again (also in ingest.log).
    public var powerLoss: PowerLossReport?

    init() {}

    /// True when at least one source could be read.
    public var readAnything: Bool { summary.readAnything }

    /// The line appended to `<store>/ingest.log` (hours in `zone`).
    func logLine(at date: Date, zone: LocalZone) -> String {
        var fields: [(String, JSONValue)] = [
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
        ]
        if let loss = powerLoss {
            fields.append(("power_loss", .object([
                ("hours_to_ingest_again", .int(loss.hourCount)),
                ("hours", .array(loss.hourRanges.map { .string(zone.format($0.lowerBound) + "/" + zone.format($0.upperBound)) })),
                ("days_to_rebuild", .array(loss.dayRanges.map { .string("\($0.lowerBound)/\($0.upperBound)") })),
                ("rows_cleared", .int(loss.clearedRows)), ("rows_restored", .int(loss.restoredRows)),
                ("rows_kept", .int(loss.keptRows)),
            ])))
        }
        return JSONValue.object(fields).serialized()
    }
}
