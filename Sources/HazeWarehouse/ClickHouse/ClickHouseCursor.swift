import Foundation
import HazeModel
import HazeStore

/// What an export has sent to one ClickHouse target, kept in
/// `<store>/export/clickhouse/<name>.json` and replaced atomically after
/// every batch ClickHouse confirmed: the checksum of each hour's row as it
/// was sent, of each day's memberships and of the station table. The next
/// run sends only what differs (new hours, changed hours, a changed
/// registry); a run killed mid-way sends again what was not confirmed, which
/// the tables absorb (`ReplacingMergeTree`).
struct ClickHouseCursor: Codable, Equatable {
    /// The target it was written for (redacted URL and database).
    var target: String
    /// The version of the last run's rows; the next run's is higher.
    var version: UInt64 = 0
    /// Hour index → the row checksum sent (hex).
    var hours: [String: String] = [:]
    /// Day index → checksum of the day's membership rows sent.
    var days: [String: String] = [:]
    /// Checksum of the station rows sent.
    var stations: String?

    init(target: String) { self.target = target }

    /// `<store>/export/clickhouse/<name>.json`; `name` is a plain name, so the cursor never leaves the store.
    static func path(storeDirectory: String, name: String) throws(ClickHouseError) -> String {
        if let problem = PlainName.problem(name) {
            throw .configuration("--cursor '\(name)' \(problem); use a plain name (letters, digits, '-', '_', '.')")
        }
        do {
            return try ConfinedPath.join(storeDirectory, "export", "clickhouse", name + ".json")
        } catch {
            throw .configuration("--cursor '\(name)': \(error)")
        }
    }

    /// The cursor at `path`, a fresh one for `target` when there is none.
    /// A cursor written for another target is refused: following it would
    /// skip hours that target never received.
    static func load(path: String, target: String) throws -> ClickHouseCursor {
        guard let data = FileManager.default.contents(atPath: path) else { return ClickHouseCursor(target: target) }
        let cursor: ClickHouseCursor
        do {
            cursor = try JSONDecoder().decode(ClickHouseCursor.self, from: data)
        } catch {
            throw StoreError.corrupt(path: path, detail: "export cursor unreadable (\(error)); delete it to send everything again (the tables absorb the repeat)")
        }
        guard cursor.target == target else {
            throw ClickHouseError.configuration("the cursor \(path) is for \(cursor.target), not \(target): name another with --cursor, or delete it to send everything to this target")
        }
        return cursor
    }

    func save(path: String) throws {
        try Directory.create((path as NSString).deletingLastPathComponent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { throw StoreError.corrupt(path: path, detail: "export cursor could not be encoded") }
        try AtomicFile.write([UInt8](data), to: path)
    }

    /// Saves a cursor after confirmed batches, at most every `interval`
    /// seconds (each save is a synced file replacement), and at once when
    /// asked (the end of a run, a failure). A kill between saves only
    /// means the next run sends those batches again, which the tables absorb.
    struct Saver {
        let path: String
        var interval = 2.0
        var last = Date.distantPast

        init(path: String) { self.path = path }

        mutating func save(_ cursor: ClickHouseCursor, now: Bool = false) throws {
            guard now || Date().timeIntervalSince(last) >= interval else { return }
            try cursor.save(path: path)
            last = Date()
        }
    }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
