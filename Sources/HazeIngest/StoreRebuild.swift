import Foundation
import HazeRegistry
import HazeStore

/// Recreates a store's rings from its raw archive: new rings in a scratch
/// directory, every payload ingested in path order, then the old rings (if
/// any, damaged or not) moved to a backup and the new ones renamed into place.
/// Nothing is overwritten without a backup.
public struct StoreRebuild: Sendable {
    public let directory: String
    public let registry: StationRegistry
    /// The shape of the new rings (the old store's when it can still be read).
    public let configuration: StoreConfiguration

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
    public var payloads: [String] { RawArchive.files(in: directory + "/raw") }

    /// Ingests every raw payload into a new store at `scratch` (replacing
    /// anything there). The caller holds the writer's lock of `directory`.
    public func build(at scratch: String, progress: ((String) -> Void)? = nil) throws -> IngestSummary {
        let rawDirectory = directory + "/raw"
        let files = payloads
        guard !files.isEmpty else {
            throw StoreError.corrupt(path: rawDirectory, detail: "the raw archive is empty; nothing to rebuild from")
        }
        try? FileManager.default.removeItem(atPath: scratch)
        var summary = IngestSummary()
        let fresh = try Store(directory: scratch, access: .readWrite, creating: configuration)
        for file in files {
            let path = rawDirectory + "/" + file
            let parts = file.split(separator: "/")
            // The archive holds what was published, in any order of dates: let the window go where the data go.
            var options = IngestOptions(windowPolicy: .advanceAsNeeded)
            if parts.count >= 4, parts[1] == "openaq" {
                // raw/<source>/openaq/<station>/<sensor>_….json.gz
                options.station = String(parts[2])
                options.format = .openaqV3
            }
            let report = try Ingester(store: fresh, registry: registry, options: options).ingest(.file(path))
            if let failure = report.failure { progress?("rebuild: \(failure)") }
            summary.add(report)
        }
        return summary
    }

    /// Rebuilds, holding the writer's lock, and swaps the new rings in (the
    /// old ones kept in `backup-<time>/`). Returns the summary line.
    public func run(lockTimeout: Double? = nil, progress: ((String) -> Void)? = nil) throws -> String {
        let lock = try StoreLock(directory: directory, timeoutSeconds: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let scratch = directory + "/rebuild.tmp"
        let summary = try build(at: scratch, progress: progress)
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
        progress?("rebuild: the previous rings are in \(backup)")
        return "rebuild: \(summary.sources) raw payload(s); stored \(summary.stored), corrected \(summary.corrected), quarantined \(summary.quarantined); previous rings in \(backup)"
    }
}
