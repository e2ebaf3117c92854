import Foundation
import HazeModel
import HazeStore

/// The store's quarantine: one CSV per source, holding every refused row or
/// cell (and every flagged value) with file, line, field and reason.
///
/// A source's file is replaced each time the source is ingested, so a second
/// run of the same cron job does not duplicate entries, and a file that has
/// become clean (say, after a registry fix) leaves no stale quarantine behind.
public struct Quarantine: Sendable {
    public let directory: String

    public init(store: Store) { self.directory = store.quarantineDirectory }

    /// The quarantine file for a source name.
    public func path(for source: String) -> String {
        var base = (source as NSString).lastPathComponent
        if base.isEmpty || base == "-" { base = "stdin" }
        let safe = String(base.map { $0 == "/" || $0 == "\\" || $0 == ":" ? "_" : $0 })
        return directory + "/" + safe + ".quarantine.csv"
    }

    /// Replaces the source's quarantine file with `entries` (removes it when empty).
    /// Returns the path written, if any.
    @discardableResult
    public func record(_ entries: [Rejection], for source: String) throws(StoreError) -> String? {
        let path = path(for: source)
        guard !entries.isEmpty else {
            if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
            return nil
        }
        try Directory.create(directory)
        var text = CSVWriter.line(Rejection.csvHeader)
        for entry in entries { text += CSVWriter.line(entry.csvFields) }
        try AtomicFile.write(Array(text.utf8), to: path)
        return path
    }
}
