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
        return StoreConfiguration(hourlyCapacity: store.hourlyCapacity, dailyCapacity: store.dailyCapacity, zone: store.zone)
    }

    /// Rebuilds, holding the writer's lock. Returns the summary line.
    public func run(lockTimeout: Double? = nil, progress: ((String) -> Void)? = nil) throws -> String {
        let lock = try StoreLock(directory: directory, timeoutSeconds: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let rawDirectory = directory + "/raw"
        let files = RawArchive.files(in: rawDirectory)
        guard !files.isEmpty else {
            throw StoreError.corrupt(path: rawDirectory, detail: "the raw archive is empty; nothing to rebuild from")
        }
        let scratch = directory + "/rebuild.tmp"
        try? FileManager.default.removeItem(atPath: scratch)
        var summary = IngestSummary()
        do {
            let fresh = try Store(directory: scratch, access: .readWrite, creating: configuration)
            for file in files {
                let path = rawDirectory + "/" + file
                let parts = file.split(separator: "/")
                var options = IngestOptions()
                if parts.count >= 4, parts[1] == "openaq" {
                    // raw/<source>/openaq/<station>/<sensor>_….json.gz
                    options.station = String(parts[2])
                    options.format = .openaqV3
                }
                let report = try Ingester(store: fresh, registry: registry, options: options).ingest(.file(path))
                if let failure = report.failure { progress?("rebuild: \(failure)") }
                summary.add(report)
            }
        }
        let backup = directory + "/backup-\(time(nil))"
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            if FileManager.default.fileExists(atPath: directory + "/" + name) {
                try Store.rename(directory + "/" + name, to: backup + "/" + name, in: directory)
            }
        }
        // Daily first: until hourly.ring exists the directory is not a store, never half of one.
        for name in [Store.dailyFileName, Store.hourlyFileName] {
            try Store.rename(scratch + "/" + name, to: directory + "/" + name, in: directory)
        }
        try? FileManager.default.removeItem(atPath: scratch)
        progress?("rebuild: the previous rings are in \(backup)")
        return "rebuild: \(files.count) raw payload(s); stored \(summary.stored), corrected \(summary.corrected), quarantined \(summary.quarantined); previous rings in \(backup)"
    }
}
