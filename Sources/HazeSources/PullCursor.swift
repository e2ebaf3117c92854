import Foundation
import HazeModel
import HazeStore

/// How far a source has been pulled, kept in `<store>/pull/<source>.json` and
/// replaced atomically after every batch, so a killed pull loses nothing and
/// the next one starts where it stopped.
struct PullCursor: Sendable, Codable, Equatable {
    /// Day sources: every day up to and including this one is done.
    var completeThrough: String?
    /// Day sources: days after `completeThrough` already done (out of order).
    var done: [String] = []
    /// Day sources: days fetched but not complete, with the content hash of
    /// the last fetch (an unchanged, settled day is accepted as final).
    var incomplete: [String: Incomplete] = [:]
    /// Hour sources: per sensor, the last hour stored.
    var sensors: [String: String] = [:]

    struct Incomplete: Sendable, Codable, Equatable {
        var hash: String
        var hours: Int
    }

    init() {}

    /// `<store>/pull/<source>.json`; the id is a plain name (checked when the
    /// configuration loads, and again here: it never leaves `pull/`).
    static func path(store: Store, source: String) throws -> String {
        do {
            return try ConfinedPath.join(store.directory, "pull", source + ".json")
        } catch {
            throw PullError.configuration(.invalid(file: "pull configuration", item: "source '\(printable(source))'",
                                                   field: "id", reason: error.description))
        }
    }

    static func load(store: Store, source: String) throws -> PullCursor {
        let path = try path(store: store, source: source)
        guard let data = FileManager.default.contents(atPath: path) else { return PullCursor() }
        do {
            return try JSONDecoder().decode(PullCursor.self, from: data)
        } catch {
            throw StoreError.corrupt(path: path, detail: "pull cursor unreadable (\(error)); delete it to pull from the source's start")
        }
    }

    func save(store: Store, source: String) throws {
        let path = try Self.path(store: store, source: source)
        try Directory.create(store.directory + "/pull")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(self) else { throw StoreError.corrupt(path: path, detail: "cursor could not be encoded") }
        try AtomicFile.write([UInt8](data), to: path)
    }

    func isDone(_ date: CivilDate) -> Bool {
        if let through = completeThrough.flatMap(CivilDate.init(parsing:)), date <= through { return true }
        return done.contains(date.description)
    }

    /// Marks a day done and moves `completeThrough` over every consecutive done day.
    mutating func markDone(_ date: CivilDate, start: CivilDate) {
        incomplete[date.description] = nil
        if !done.contains(date.description) { done.append(date.description) }
        var next = completeThrough.flatMap(CivilDate.init(parsing:)).map { Day($0).advanced(by: 1) } ?? Day(start)
        while let i = done.firstIndex(of: next.date.description) {
            done.remove(at: i)
            completeThrough = next.date.description
            next = next.advanced(by: 1)
        }
        done.sort()
    }
}
