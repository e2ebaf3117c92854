import Foundation
import HazeRegistry
import HazeStore

/// Recreates a store's rings from its raw archive: new rings in a scratch
/// directory, every payload ingested in path order, then the old rings (if
/// any, damaged or not) moved to a backup and the new ones renamed into place.
/// Nothing is overwritten without a backup.
public struct StoreRebuild: Sendable {
    /// The store's directory; the payloads are read from its `raw/`.
    public let directory: String
    /// The registry the payloads are ingested against.
    public let registry: StationRegistry
    /// The shape of the new rings (the old store's when it can still be read).
    public let configuration: StoreConfiguration

    /// A rebuild of the store in `directory` with new rings of `configuration` (see `configuration(of:)`); nothing is touched until `run`.
    public init(directory: String, registry: StationRegistry, configuration: StoreConfiguration) {
        self.directory = directory
        self.registry = registry
        self.configuration = configuration
    }

    /// The configuration of the store in `directory` if its header is readable, else the default.
    public static func configuration(of directory: String) -> StoreConfiguration {
        guard let store = try? Store(directory: directory, access: .readOnly) else { return .standard }
        return StoreConfiguration(hourlyCapacity: store.hourlyCapacity, dailyCapacity: store.dailyCapacity, zone: store.zone,
                                  dayConvention: store.calendar.convention)
    }

    /// The payloads of the raw archive, in the order a rebuild ingests them.
    public var payloads: [ArchivedPayload] { RawArchive(storeDirectory: directory).payloads() }

    /// What a rebuild into a scratch store read.
    struct Build: Sendable {
        /// Totals of ingesting the payloads.
        var summary: IngestSummary
        /// Payloads in the archive, usable or not.
        var payloads: Int
        /// Payloads that could not be read (damaged, wrong size or hash) and were skipped.
        var unusable: Int
    }

    /// Ingests every raw payload into a new store at `scratch` (replacing
    /// anything there). The caller holds the writer's lock of `directory`.
    func build(at scratch: String, progress: ((String) -> Void)? = nil) throws -> Build {
        let archive = RawArchive(storeDirectory: directory)
        let payloads = archive.payloads()
        guard !payloads.isEmpty else {
            throw StoreError.corrupt(path: archive.directory, detail: "the raw archive is empty; nothing to rebuild from")
        }
        try? FileManager.default.removeItem(atPath: scratch)
        var summary = IngestSummary()
        var unusable = 0
        // Synced once, before the rings are renamed into place (`run`).
        let fresh = try Store(directory: scratch, access: .readWrite, creating: configuration, durability: .endOfRun)
        for entry in payloads {
            // What the payload is comes from the archive (its metadata, or
            // for the old layout its path), never guessed here.
            guard let payload = entry.payload else {
                unusable += 1
                progress?("rebuild: \(entry.path): \(entry.problem ?? "unreadable"); skipped")
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try archive.load(entry)
            } catch {
                unusable += 1
                progress?("rebuild: \(error); skipped")
                continue
            }
            var options = payload.ingestOptions
            // The archive holds what was published, in any order of dates: let the window go where the data go.
            options.windowPolicy = .advanceAsNeeded
            let report = try Ingester(store: fresh, registry: registry, options: options).ingest(bytes: bytes, name: entry.path)
            if let failure = report.failure { progress?("rebuild: \(failure)") }
            summary.add(report)
        }
        try fresh.makeDurable()
        return Build(summary: summary, payloads: payloads.count, unusable: unusable)
    }

    /// Rebuilds, holding the writer's lock, and swaps the new rings in (the
    /// old ones kept in `backup-<time>/`). Returns the summary line.
    public func run(lockTimeout: Double? = nil, progress: ((String) -> Void)? = nil) throws -> String {
        let lock = try StoreLock(directory: directory, timeoutSeconds: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let scratch = directory + "/rebuild.tmp"
        let built = try build(at: scratch, progress: progress)
        let backup = directory + "/backup-\(Int(Date().timeIntervalSince1970))"
        try Directory.create(backup)
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            if FileManager.default.fileExists(atPath: directory + "/" + name) {
                try AtomicFile.rename(directory + "/" + name, to: backup + "/" + name)
            }
        }
        // Daily first: until hourly.ring exists the directory is not a store, never half of one.
        for name in [Store.dailyFileName, Store.hourlyFileName] {
            try AtomicFile.rename(scratch + "/" + name, to: directory + "/" + name)
        }
        try? FileManager.default.removeItem(atPath: scratch)
        // What the journal recorded of the replaced rings no longer applies (a
        // power loss's unsynced hours are now what raw/ holds of them).
        if let hours = try WriteJournal.discardPending(directory: directory) {
            progress?("rebuild: \(hours.count) hour(s) a power loss interrupted before they were synced are rebuilt from raw/, as far as it holds them")
        }
        progress?("rebuild: the previous rings are in \(backup)")
        let skipped = built.unusable > 0 ? " (\(built.unusable) could not be read and were skipped)" : ""
        let summary = built.summary
        return "rebuild: \(built.payloads) raw payload(s)\(skipped); stored \(summary.stored), corrected \(summary.corrected), quarantined \(summary.quarantined); previous rings in \(backup)"
    }
}
