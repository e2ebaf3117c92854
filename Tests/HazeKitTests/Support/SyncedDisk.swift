import Foundation
import Synchronization
@testable import HazeStore

/// What the disk holds of a store's rings and journal when the machine loses
/// power: each file as it was at its last sync, plus whichever later changes
/// the kernel happened to write back before — chosen here sector by sector
/// (or page by page), at random with a seed.
///
/// Its `observer` is bound to `SyncCount.observer` while the store is
/// written: every msync and fdatasync copies the bytes it made durable.
final class SyncedDisk: Sendable {
    /// The files a power loss is played on; everything else in the store
    /// (raw/, quarantine/, ingest.log) is taken as it is (each synced when written).
    static let tracked = [Store.hourlyFileName, Store.dailyFileName, WriteSequence.fileName]

    let directory: String
    private let images = Mutex<[String: [UInt8]]>([:])

    /// Starts from the files as they are now (taken to be on disk: the run that wrote them ended with its sync).
    init(synced directory: String) {
        self.directory = directory
        var start: [String: [UInt8]] = [:]
        for name in Self.tracked {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) { start[name] = [UInt8](data) }
        }
        images.withLock { $0 = start }
    }

    /// Starts with nothing on disk (a store created by the run being played).
    init(empty directory: String) {
        self.directory = directory
    }

    /// For `SyncCount.$observer.withValue`.
    var observer: @Sendable (String, Range<Int>?) -> Void {
        { [self] path, range in synced(path, range) }
    }

    private func synced(_ path: String, _ range: Range<Int>?) {
        guard path.hasPrefix(directory + "/") else { return }
        var name = String(path.dropFirst(directory.count + 1))
        // A ring replaced through a temporary file is synced under that name, then renamed over the ring.
        if let dot = name.range(of: ".tmp.") { name = String(name[..<dot.lowerBound]) }
        guard Self.tracked.contains(name), let data = FileManager.default.contents(atPath: path) else { return }
        let current = [UInt8](data)
        images.withLock { images in
            guard let range, var image = images[name], image.count == current.count else {
                images[name] = current
                return
            }
            let clamped = range.clamped(to: 0 ..< current.count)
            image.replaceSubrange(clamped, with: current[clamped])
            images[name] = image
        }
    }

    /// The syncs seen (files and counts), for the tests that count them.
    var imagedFiles: [String] { images.withLock { $0.keys.sorted() } }

    /// Writes into `target` the store as a power loss now could leave it:
    /// each tracked file as last synced, with each `unit`-byte block in which
    /// the page cache (the files in `directory` now) differs replaced by the
    /// newer one with probability `newer`; a file never synced is missing,
    /// or (with `keepNames`) zeros with its newer blocks at that chance. The
    /// rest of the directory is copied as it is.
    func afterPowerLoss(into target: String, newer: Double, unit: Int = 512, seed: UInt64, keepNames: Bool = true) throws {
        var random = SplitMix64(seed: seed)
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !Self.tracked.contains(name) {
            try FileManager.default.copyItem(atPath: directory + "/" + name, toPath: target + "/" + name)
        }
        let synced = images.withLock { $0 }
        for name in Self.tracked {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
            let current = [UInt8](data)
            guard var disk = synced[name] ?? (keepNames ? [UInt8](repeating: 0, count: current.count) : nil) else { continue }
            if disk.count < current.count { disk += [UInt8](repeating: 0, count: current.count - disk.count) }
            if disk.count > current.count { disk.removeLast(disk.count - current.count) }
            var offset = 0
            while offset < current.count {
                let end = min(offset + unit, current.count)
                if disk[offset ..< end] != current[offset ..< end], random.unit() < newer {
                    disk.replaceSubrange(offset ..< end, with: current[offset ..< end])
                }
                offset = end
            }
            try Data(disk).write(to: URL(fileURLWithPath: target + "/" + name))
        }
    }
}

/// A small seeded generator (SplitMix64), so a failing draw can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A draw in 0 ..< 1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
