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
    /// The store's directory (its lock file tells a live writer from a dead one).
    private let directory: String

    private init(file: MappedFile, holdsLock: Bool, directory: String) {
        self.file = file
        self.directory = directory
        self.counter = file.base.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        self.holdsLock = holdsLock
    }

    /// The writer's view: creates the file if needed. The writer holds the store's lock.
    package static func forWriter(directory: String) throws(StoreError) -> WriteSequence {
        let path = directory + "/" + fileName
        if FileManager.default.fileExists(atPath: path) {
            let existing = try MappedFile(openingExisting: path, writable: true)
            if existing.length >= 48 { return WriteSequence(file: existing, holdsLock: true, directory: directory) }
        }
        return WriteSequence(file: try MappedFile(creating: path, length: 4096), holdsLock: true, directory: directory)
    }

    /// A reader's view, or nil when the store has no sequence file yet.
    package static func forReader(directory: String) -> WriteSequence? {
        guard let file = try? MappedFile(openingExisting: directory + "/" + fileName, writable: false), file.length >= 48 else {
            return nil
        }
        return WriteSequence(file: file, holdsLock: false, directory: directory)
    }

    package var value: UInt64 { counter.pointee.load(ordering: .acquiring) }
    package var writerPID: Int32 { file.i32(8) }

    /// How many of this view's own writes are open (between their
    /// `beginWrite` and `endWrite`; more than one when nested).
    private var openWrites = 0

    /// What a writer that stopped mid-write was changing, if it stopped there.
    package struct Interrupted: Equatable, Sendable {
        package var hours: ClosedRange<Int>?
        package var days: ClosedRange<Int>?
    }

    /// Non-nil when the counter is odd and its writer is gone: the caller (the
    /// next writer) recomputes the rows in the ranges, then calls `markRecovered`.
    package var interrupted: Interrupted? {
        // The lock's holder knows that an odd counter it did not make itself is a
        // writer's that is gone, whatever pid it records: a zombie or a reused pid
        // answers `kill(pid, 0)` (found in review: the next ingest then refused the
        // store instead of finishing the killed one's work), and so does this
        // process's own pid when the killed writer had it (a container where haze
        // always runs with the same pid: found in review, its first write then
        // overwrote and cleared the record, and the rows were never recovered).
        guard value % 2 == 1, holdsLock ? openWrites == 0 : !writerAlive else { return nil }
        return Interrupted(hours: range(16), days: range(32))
    }

    /// The recorded range at `offset` (first, last), nil when none.
    private func range(_ offset: Int) -> ClosedRange<Int>? {
        let first = file.i64(offset), last = file.i64(offset + 8)
        guard first <= last, let a = Int(exactly: first), let b = Int(exactly: last) else { return nil }
        return a ... b
    }

    /// Marks the start of a change of the given hours and days. Returns false
    /// and changes nothing when the counter is odd with a record this view did
    /// not make (a killed writer's): that record is completed first
    /// (`Store.recover`), never overwritten. A write begun inside another of
    /// this view's widens the record to cover both and ends with the outer one.
    @discardableResult
    package func beginWrite(hours: ClosedRange<Hour>? = nil, days: ClosedRange<Day>? = nil) -> Bool {
        let current = counter.pointee.load(ordering: .relaxed)
        let hourRange = hours.map { $0.lowerBound.index ... $0.upperBound.index }
        let dayRange = days.map { $0.lowerBound.index ... $0.upperBound.index }
        if current % 2 == 1 {
            guard openWrites > 0 else { return false }
            openWrites += 1
            setRange(16, Self.union(range(16), hourRange))
            setRange(32, Self.union(range(32), dayRange))
            return true
        }
        file.setI32(8, getpid())
        setRange(16, hourRange)
        setRange(32, dayRange)
        openWrites = 1
        // Sequentially consistent: the odd value is visible before any ring write.
        counter.pointee.store(current &+ 1, ordering: .sequentiallyConsistent)
        return true
    }

    private func setRange(_ offset: Int, _ range: ClosedRange<Int>?) {
        file.setI64(offset, Int64(range?.lowerBound ?? 1))
        file.setI64(offset + 8, Int64(range?.upperBound ?? 0))
    }

    private static func union(_ a: ClosedRange<Int>?, _ b: ClosedRange<Int>?) -> ClosedRange<Int>? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a.lowerBound, b.lowerBound) ... max(a.upperBound, b.upperBound)
    }

    /// Marks this view's change as complete (the outer one, when nested).
    /// Only a record this view made is ended: a record it did not make (a
    /// killed writer's) is left for `markRecovered`, whoever calls this.
    package func endWrite() {
        guard openWrites > 0 else { return }
        openWrites -= 1
        guard openWrites == 0 else { return }
        let current = counter.pointee.load(ordering: .relaxed)
        if current % 2 == 1 { counter.pointee.store(current &+ 1, ordering: .releasing) }
    }

    /// Ends the record of an interrupted write once the caller (the lock's
    /// holder, `Store.recover`) has completed what it describes.
    package func markRecovered() {
        guard holdsLock, openWrites == 0 else { return }
        let current = counter.pointee.load(ordering: .relaxed)
        if current % 2 == 1 { counter.pointee.store(current &+ 1, ordering: .releasing) }
    }

    /// True when the process that made the counter odd may still be writing:
    /// its pid answers and the store's lock is held (or that cannot be told).
    /// A killed writer's lock is dropped by the kernel, so a zombie or a
    /// reused pid is not taken for a writer (a reader would wait for it, and
    /// `haze check` say the store is being written, until the next writer).
    package var writerAlive: Bool {
        let pid = writerPID
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        return StoreLock.isHeld(directory: directory) != false
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
