#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HazeModel
import Synchronization

/// A sequence lock between the store's writer and its readers, in
/// `<store>/seq`: the writer makes the counter odd while it changes the rings
/// and even when it is done (with its pid and the steps it is changing beside
/// it); a reader that saw the same even value before and after its work read
/// one consistent state, and otherwise reads again. Readers never block the
/// writer, and never take its lock.
///
///     0    sequence            u64, atomic (odd while writing)
///     8    writer pid          i32
///     16   hours being written i64 first, i64 last (first > last: none)
///     32   days being written  i64 first, i64 last
///
/// The ranges let the next writer finish what a killed one left: rows it was
/// changing get their checksums recomputed from what it wrote (a kill loses
/// nothing from the page cache, but can stop between a slot and its checksum).
/// From byte 4096 on the file holds the writer's journal (`WriteJournal`),
/// which is what a writer after a power loss goes by instead.
package final class WriteSequence {
    package static let fileName = "seq"
    private let file: MappedFile
    private let counter: UnsafeMutablePointer<Atomic<UInt64>>
    /// The view of the writer, who holds the store's lock: then no other
    /// writer can be running, whatever its recorded pid says.
    private let holdsLock: Bool

    private init(file: MappedFile, holdsLock: Bool) {
        self.file = file
        self.counter = file.base.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        self.holdsLock = holdsLock
    }

    /// The writer's view: creates the file if needed. The writer holds the store's lock.
    package static func forWriter(directory: String) throws(StoreError) -> WriteSequence {
        let path = directory + "/" + fileName
        if FileManager.default.fileExists(atPath: path) {
            let existing = try MappedFile(openingExisting: path, writable: true)
            if existing.length >= 48 { return WriteSequence(file: existing, holdsLock: true) }
        }
        return WriteSequence(file: try MappedFile(creating: path, length: 4096), holdsLock: true)
    }

    /// A reader's view, or nil when the store has no sequence file yet.
    package static func forReader(directory: String) -> WriteSequence? {
        guard let file = try? MappedFile(openingExisting: directory + "/" + fileName, writable: false), file.length >= 48 else {
            return nil
        }
        return WriteSequence(file: file, holdsLock: false)
    }

    package var value: UInt64 { counter.pointee.load(ordering: .acquiring) }
    package var writerPID: Int32 { file.i32(8) }

    /// What a writer that stopped mid-write was changing, if it stopped there.
    package struct Interrupted: Equatable, Sendable {
        package var hours: ClosedRange<Int>?
        package var days: ClosedRange<Int>?
    }

    /// Non-nil when the counter is odd and its writer is gone: the caller (the
    /// next writer) recomputes the rows in the ranges, then calls `endWrite`.
    package var interrupted: Interrupted? {
        // The lock's holder knows the writer that left the counter odd is gone: a
        // zombie or a reused pid answers `kill(pid, 0)` (found in review: the next
        // ingest then refused the store instead of finishing the killed one's work).
        guard value % 2 == 1, holdsLock ? writerPID != getpid() : !writerAlive else { return nil }
        func range(_ offset: Int) -> ClosedRange<Int>? {
            let first = file.i64(offset), last = file.i64(offset + 8)
            guard first <= last, let a = Int(exactly: first), let b = Int(exactly: last) else { return nil }
            return a ... b
        }
        return Interrupted(hours: range(16), days: range(32))
    }

    /// Marks the start of a change of the given hours and days.
    package func beginWrite(hours: ClosedRange<Hour>? = nil, days: ClosedRange<Day>? = nil) {
        file.setI32(8, getpid())
        file.setI64(16, Int64(hours?.lowerBound.index ?? 1))
        file.setI64(24, Int64(hours?.upperBound.index ?? 0))
        file.setI64(32, Int64(days?.lowerBound.index ?? 1))
        file.setI64(40, Int64(days?.upperBound.index ?? 0))
        let current = counter.pointee.load(ordering: .relaxed)
        if current % 2 == 0 {
            // Sequentially consistent: the odd value is visible before any ring write.
            counter.pointee.store(current &+ 1, ordering: .sequentiallyConsistent)
        }
    }

    /// Marks the change as complete.
    package func endWrite() {
        let current = counter.pointee.load(ordering: .relaxed)
        if current % 2 == 1 { counter.pointee.store(current &+ 1, ordering: .releasing) }
    }

    /// True while the counter is odd and the process that made it so is alive.
    package var writerAlive: Bool {
        let pid = writerPID
        return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    /// The status summary stamped with the current (even) value, if any.
    package var statusSummary: StatusSummary? { StatusSummary.read(file, current: value) }

    /// Records a summary of the rings as they are at the current even value
    /// (the writer, between writes).
    package func record(_ summary: StatusSummary) {
        let current = value
        guard current % 2 == 0, current != 0 else { return }
        var stamped = summary
        stamped.stamp = current
        stamped.write(to: file)
    }

    /// True while a live writer is between begin and end.
    package var writing: Bool { value % 2 == 1 && writerAlive }

    /// A reader's second look: the counter after its reads, loaded after an
    /// acquire fence so none of the reads is ordered after it.
    package var valueAfterReads: UInt64 {
        atomicMemoryFence(ordering: .acquiring)
        return counter.pointee.load(ordering: .relaxed)
    }
}

extension Store {
    /// Runs `body` on a state no writer was changing: opens the store, runs
    /// `body`, and repeats both if a write happened meanwhile (writes take
    /// milliseconds). After `attempts` overlapping reads it throws rather
    /// than return a read that may be torn.
    public static func readConsistently<T>(directory: String, attempts: Int = 50, waitPerAttempt: Double = 3,
                                           _ body: (Store) throws -> T) throws -> T {
        for _ in 0 ..< max(1, attempts) {
            let sequence = WriteSequence.forReader(directory: directory)
            var waited = 0
            while let sequence, sequence.writing, Double(waited) < waitPerAttempt * 1000 {
                usleep(5_000)
                waited += 5
            }
            let before = sequence?.value
            let result = try body(try Store(directory: directory, access: .readOnly))
            guard let sequence, let before else { return result }
            let after = sequence.valueAfterReads
            if after == before && (before % 2 == 0 || !sequence.writerAlive) { return result }
        }
        throw StoreError.busy(directory: directory, attempts: attempts)
    }
}
