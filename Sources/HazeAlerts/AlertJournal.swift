import Foundation
import HazeModel
import HazeStore

/// Where `haze alert` keeps what must survive between cron runs, inside the
/// store: `alerts/state.json` (open episodes, last hour evaluated, reports
/// not yet logged or delivered; replaced atomically) and `alerts/alerts.ndjson`
/// (every report, appended).
public struct AlertJournal: Sendable {
    public let directory: String

    public init(store: Store) { directory = store.directory + "/alerts" }

    var statePath: String { directory + "/state.json" }
    public var logPath: String { directory + "/alerts.ndjson" }

    func prepare() throws(StoreError) {
        try Directory.create(directory)
    }

    /// Serialises alert runs (separately from the ingest writer's lock).
    package func lock(timeout: Double?) throws(StoreError) -> StoreLock {
        try prepare()
        return try StoreLock(directory: directory, timeoutSeconds: timeout)
    }

    public func loadState() throws(StoreError) -> AlertState {
        guard let data = FileManager.default.contents(atPath: statePath) else { return AlertState() }
        let state: AlertState
        do {
            state = try JSONDecoder().decode(AlertState.self, from: data)
        } catch {
            throw .corrupt(path: statePath, detail: "alert state is unreadable (\(error)); move it away to start afresh")
        }
        if let problem = state.outOfRange {
            throw .corrupt(path: statePath, detail: "alert state field \(problem); move it away to start afresh")
        }
        return state
    }

    package func save(_ state: AlertState) throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(state) else {
            throw .corrupt(path: statePath, detail: "alert state could not be encoded")
        }
        try AtomicFile.write([UInt8](data), to: statePath)
    }

    /// The log's current length in bytes.
    package func logSize() -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: logPath))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Appends the state's pending reports to the log, exactly once: the log
    /// is first cut back to where it was when they became pending.
    package func flushPending(_ state: inout AlertState) throws(StoreError) {
        guard !state.pending.isEmpty else { return }
        if let size = state.logSize, logSize() > size {
            guard truncate(logPath, off_t(size)) == 0 else { throw .system(path: logPath, operation: "truncate", errno: errno) }
        }
        try AtomicFile.appendLine(state.pending.joined(separator: "\n"), to: logPath)
        state.pending = []
        state.logSize = nil
        try save(state)
    }
}

extension AlertState {
    /// The first number of the state file outside what it can mean, or nil.
    /// The file is read from disk like any input: hours must be hours
    /// (`Hour.representable`), levels small and non-negative, the log size
    /// not negative — otherwise arithmetic on them could overflow and trap.
    var outOfRange: String? {
        let hours = Hour.representable
        if let last = lastEvaluated, !hours.contains(last) { return "'lastEvaluated' \(last) is not an hour" }
        if let size = logSize, size < 0 { return "'logSize' \(size) is negative" }
        for (i, episode) in open.enumerated() {
            if !hours.contains(episode.since) { return "'open[\(i)].since' \(episode.since) is not an hour" }
            if !hours.contains(episode.lastReported) { return "'open[\(i)].lastReported' \(episode.lastReported) is not an hour" }
            for (name, level) in [("level", episode.level), ("reportedLevel", episode.reportedLevel)] where !(0...1000).contains(level) {
                return "'open[\(i)].\(name)' \(level) is not a level 0…1000"
            }
        }
        return nil
    }
}
