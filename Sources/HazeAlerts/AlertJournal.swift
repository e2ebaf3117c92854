import Foundation
import HazeModel
import HazeStore

/// Where `haze alert` keeps what must survive between cron runs, inside the
/// store: `alerts/state.json` (cursors and open episodes per subject, reports
/// not yet logged or delivered; replaced atomically, with a checksum) and
/// `alerts/alerts.ndjson` (every report, appended; the record).
public struct AlertJournal: Sendable {
    /// `<store>/alerts`.
    public let directory: String

    /// The journal of the store in `storeDirectory`.
    public init(storeDirectory: String) { directory = storeDirectory + "/alerts" }
    /// The journal of `store`.
    public init(store: Store) { self.init(storeDirectory: store.directory) }

    var statePath: String { directory + "/state.json" }
    /// `alerts/alerts.ndjson`: every report ever made, one JSON object a line, appended.
    public var logPath: String { directory + "/alerts.ndjson" }

    /// Serialises alert runs (separately from the ingest writer's lock).
    package func lock(timeout: Double?) throws(StoreError) -> StoreLock {
        try Directory.create(directory)
        return try StoreLock(directory: directory, timeoutSeconds: timeout)
    }

    /// The state, and the format it was read in (nil when there is none yet).
    /// A missing state is an empty one, unless the log holds reports: then
    /// the state was lost, and starting afresh would report every open
    /// episode again and never close the old ones.
    package func load() throws(AlertFileProblem) -> (state: AlertState, version: Int?) {
        guard let bytes = try AlertFiles.read(statePath) else {
            let reports = AlertFiles.lineCount(logPath)
            if reports > 0 { throw AlertFileProblem(path: statePath, cause: .missing(logReports: reports)) }
            return (AlertState(), nil)
        }
        let (state, version) = try AlertStateFile.decode(bytes, path: statePath)
        return (state, version)
    }

    /// The state, or an empty one (nil format) when the file does not exist yet.
    package func loadState() throws(AlertFileProblem) -> AlertState { try load().state }

    package func save(_ state: AlertState) throws(StoreError) {
        try Directory.create(directory)
        try AtomicFile.write(AlertStateFile.encode(state), to: statePath)
    }

    /// The log's current length in bytes.
    package func logSize() -> Int {
        var info = stat()
        return stat(logPath, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Appends the state's pending reports to the log, exactly once: the log
    /// is first cut back to where it was when they became pending. Returns
    /// how many were appended. Does not save the state.
    package func appendPending(_ state: inout AlertState) throws(StoreError) -> Int {
        guard !state.pending.isEmpty else { return 0 }
        if let size = state.logSize, logSize() > size {
            guard truncate(logPath, off_t(size)) == 0 else { throw .system(path: logPath, operation: "truncate", errno: errno) }
        }
        try AtomicFile.appendLine(state.pending.joined(separator: "\n"), to: logPath)
        let count = state.pending.count
        state.pending = []
        state.logSize = nil
        return count
    }
}

/// Reading the alert files with the cause of a failure.
enum AlertFiles {
    /// The whole file, or nil when it does not exist.
    static func read(_ path: String) throws(AlertFileProblem) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw AlertFileProblem(path: path, cause: .unreadable(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AlertFileProblem(path: path, cause: .unreadable(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Calls `body` with each line of a file (without its line break), 1-based
    /// line numbers, and whether the line ended with a line break; streams, so
    /// a log of gigabytes is read in constant memory. False when unreadable.
    @discardableResult
    static func forEachLine(_ path: String, _ body: (_ line: ArraySlice<UInt8>, _ number: Int, _ terminated: Bool) -> Void) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var number = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            if n == 0 { break }
            buffer.append(contentsOf: chunk[0..<n])
            var start = buffer.startIndex
            while let end = buffer[start...].firstIndex(of: 0x0A) {
                number += 1
                body(buffer[start..<end], number, true)
                start = end + 1
            }
            buffer.removeSubrange(buffer.startIndex..<start)
        }
        if !buffer.isEmpty {
            number += 1
            body(buffer[...], number, false)
        }
        return true
    }

    /// The number of lines of a file (0 when it does not exist).
    static func lineCount(_ path: String) -> Int {
        var count = 0
        forEachLine(path) { _, number, _ in count = number }
        return count
    }
}
