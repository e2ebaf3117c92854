import Foundation

/// Recreates a store's rings from its raw archive: new rings of the same
/// shape in a scratch directory, every payload ingested in path order, then
/// the old rings moved to a backup and the new ones renamed into place.
public struct StoreRebuild: Sendable {
    public let store: Store
    public let registry: StationRegistry

    public init(store: Store, registry: StationRegistry) {
        self.store = store
        self.registry = registry
    }

    /// Returns the summary line. The store must be open for writing (its lock is held).
    public func run(progress: ((String) -> Void)? = nil) throws -> String {
        let archive = RawArchive(store: store)
        let files = archive.files()
        guard !files.isEmpty else { throw StoreError.corrupt(path: archive.directory, detail: "the raw archive is empty; nothing to rebuild from") }
        let scratch = store.directory + "/rebuild.tmp"
        try? FileManager.default.removeItem(atPath: scratch)
        let configuration = StoreConfiguration(hourlyCapacity: store.hourlyCapacity, dailyCapacity: store.dailyCapacity, zone: store.zone)
        var summary = IngestSummary()
        do {
            let fresh = try Store(directory: scratch, access: .readWrite, creating: configuration)
            let ingester = Ingester(store: fresh, registry: registry, options: IngestOptions(latestHour: Hour.now.advanced(by: 1)))
            for file in files {
                let path = archive.directory + "/" + file
                let parts = file.split(separator: "/")
                var report: SourceReport
                if parts.count >= 4, parts[1] == "openaq" {
                    // raw/<source>/openaq/<station>/<sensor>_….json.gz
                    var options = ingester.options
                    options.station = String(parts[2])
                    options.format = .openaqV3
                    report = try Ingester(store: fresh, registry: registry, options: options).ingest(.file(path))
                } else {
                    report = try ingester.ingest(.file(path))
                }
                if let failure = report.failure { progress?("rebuild: \(failure)") }
                summary.add(report)
            }
        }
        let backup = store.directory + "/backup-\(Int(Date().timeIntervalSince1970))"
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            try Store.rename(store.directory + "/" + name, to: backup + "/" + name, in: store.directory)
            try Store.rename(scratch + "/" + name, to: store.directory + "/" + name, in: store.directory)
        }
        try? FileManager.default.removeItem(atPath: scratch)
        progress?("rebuild: the previous rings are in \(backup)")
        return "rebuild: \(files.count) raw payload(s); stored \(summary.stored), corrected \(summary.corrected), quarantined \(summary.quarantined)"
    }
}
