#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HazeModel

/// The writer's journal, in the write-sequence file beyond its first page:
/// before a write changes a byte of the rings, it records there what it is
/// about to change — the hours and days, each ring's window move, the series
/// table's new length — with a copy of every row it will change that holds
/// data already synced (and of both header pages), and syncs that: the
/// write's only sync. The rings themselves are synced once, when the run
/// ends (`Store.makeDurable()`), which starts a new epoch.
///
///     0        the write sequence's page (`WriteSequence`)
///     4096     record slot 0    (`JournalRecord`; the slot of the newer
///     8192     record slot 1     generation is the record: a torn write of
///                                one slot leaves the other)
///     12288    images of the epoch, one after another (8-byte aligned):
///              magic "ZIMG" u32, kind u8 (0 hourly row, 1 daily row, 2 hourly
///              header page, 3 daily header page, 4 hour ranges, 5 day
///              ranges), 3 bytes zero, epoch u64, step i64, length u32,
///              CRC-32 u32 of the payload, payload (a row: its slots, then its
///              64-byte directory entry; ranges: i64 first, i64 last each)
///
/// A writer killed on the same boot leaves the page cache holding all it
/// wrote: the next writer continues the epoch. A record left by another boot
/// means a power loss or crash: the next writer verifies what it names
/// (`Store.recoverFromPowerLoss`).
package final class WriteJournal {
    package static let slotOffsets = [4096, 8192]
    package static let imageOffset = 12288
    /// The images an epoch may hold before the writer syncs the rings and starts another.
    package static let imageLimit = 64 << 20

    package let path: String
    private let descriptor: Int32
    private var length: Int
    /// The newest record in the file (written by this writer or found there).
    package private(set) var record: JournalRecord?
    /// Bytes and count of the current epoch's images (armed or staged).
    package private(set) var epochImageBytes = 0
    private var epochImageCount = 0

    /// Opens the journal of the store in `directory` for its writer (who holds
    /// the store's lock), making room for the record slots; `writable: false`
    /// only reads it (`haze check`).
    package init(directory: String, writable: Bool = true) throws(StoreError) {
        path = directory + "/" + WriteSequence.fileName
        let fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .system(path: path, operation: "open", errno: errno) }
        descriptor = fd
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .system(path: path, operation: "stat", errno: code)
        }
        length = Int(info.st_size)
        if writable {
            do {
                try grow(to: Self.imageOffset)
            } catch {
                close(fd)
                throw error
            }
        }
        record = Self.newest(Self.readSlots(fd))
        if let record, record.pending { epochImageBytes = Int(record.imageBytes); epochImageCount = Int(record.imageCount) }
    }

    deinit { close(descriptor) }

    /// The record of the store in `directory` without opening it for writing
    /// (for `haze check`); nil when there is none.
    package static func peek(directory: String) -> JournalRecord? {
        let fd = open(directory + "/" + WriteSequence.fileName, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return newest(readSlots(fd))
    }

    private static func readSlots(_ fd: Int32) -> [JournalRecord?] {
        slotOffsets.map { offset in
            var slot = [UInt8](repeating: 0, count: JournalRecord.slotSize)
            let n = slot.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard n > 0 else { return nil }
            return slot.withUnsafeBytes { JournalRecord.decode(UnsafeRawBufferPointer(rebasing: $0[0 ..< n])) }
        }
    }

    private static func newest(_ slots: [JournalRecord?]) -> JournalRecord? {
        slots.compactMap { $0 }.max { $0.generation < $1.generation }
    }

    // MARK: Images

    /// Starts a new epoch's images (the old epoch's are overwritten from the start).
    package func beginEpoch() {
        epochImageBytes = 0
        epochImageCount = 0
    }

    /// Writes an image after the epoch's others (not synced: `arm` syncs it with its record).
    package func stageImage(_ kind: JournalImage.Kind, epoch: UInt64, step: Int, _ parts: [UnsafeRawBufferPointer]) throws(StoreError) {
        let payloadLength = parts.reduce(0) { $0 + $1.count }
        var crc: UInt32 = 0
        for part in parts { crc = CRC32.checksum(part, seed: crc) }
        var header = ByteWriter()
        header.u32(JournalImage.magic)
        header.u32(UInt32(kind.rawValue))
        header.u64(epoch)
        header.i64(Int64(step))
        header.u32(UInt32(payloadLength))
        header.u32(crc)
        let padded = (JournalImage.headerBytes + payloadLength + 7) / 8 * 8
        let offset = Self.imageOffset + epochImageBytes
        try grow(to: offset + padded)
        try writeAll(header.data, at: offset)
        var at = offset + JournalImage.headerBytes
        for part in parts {
            try pwriteAll(part, at: at)
            at += part.count
        }
        epochImageBytes += padded
        epochImageCount += 1
    }

    /// `stageImage` of bytes in an array.
    package func stageImage(_ kind: JournalImage.Kind, epoch: UInt64, step: Int, bytes: [UInt8]) throws(StoreError) {
        var failure: StoreError?
        bytes.withUnsafeBytes { raw in
            do throws(StoreError) { try stageImage(kind, epoch: epoch, step: step, [raw]) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The images of `record`'s epoch (those its record counts), checked
    /// against their checksums; a damaged one is left out.
    package func images(of record: JournalRecord) -> [JournalImage] {
        var images: [JournalImage] = []
        var offset = Self.imageOffset
        let end = Self.imageOffset + Int(min(record.imageBytes, UInt64(Int.max / 2)))
        var header = [UInt8](repeating: 0, count: JournalImage.headerBytes)
        while offset + JournalImage.headerBytes <= end, images.count < Int(record.imageCount) {
            guard read(&header, at: offset) else { break }
            let parsed: (kind: JournalImage.Kind, epoch: UInt64, step: Int64, length: Int, crc: UInt32)? = header.withUnsafeBytes { raw in
                var input = ByteReader(raw)
                guard input.u32() == JournalImage.magic, let kind = input.u32().flatMap({ JournalImage.Kind(rawValue: UInt8(truncatingIfNeeded: $0)) }),
                      let epoch = input.u64(), let step = input.i64(), let length = input.u32(), let crc = input.u32() else { return nil }
                return (kind, epoch, step, Int(length), crc)
            }
            guard let parsed, offset + JournalImage.headerBytes + parsed.length <= end, let step = Int(exactly: parsed.step) else { break }
            var payload = [UInt8](repeating: 0, count: parsed.length)
            guard read(&payload, at: offset + JournalImage.headerBytes) else { break }
            if parsed.epoch == record.epoch && CRC32.checksum(payload) == parsed.crc {
                images.append(JournalImage(kind: parsed.kind, step: step, payload: payload))
            }
            offset += (JournalImage.headerBytes + parsed.length + 7) / 8 * 8
        }
        return images
    }

    // MARK: Records

    /// Writes `record` (its generation after the newest, counting the images
    /// staged) and syncs the file: what it names, and the images, are on disk
    /// when this returns. One sync.
    package func arm(_ record: JournalRecord) throws(StoreError) {
        let written = try put(record)
        SyncCount.add()
        guard fdatasync(descriptor) == 0 else { throw .system(path: path, operation: "fdatasync", errno: errno) }
        SyncCount.observer?(path, nil)
        self.record = written
    }

    /// After the rings were replaced whole (`haze rebuild`, a repair): a
    /// pending record about the old ones must not survive a power loss, so
    /// it is replaced (synced). Returns the hours it named when it was left
    /// by another boot (a power loss the replacement dealt with), else nil.
    @discardableResult
    package static func discardPending(directory: String) throws(StoreError) -> StepRanges? {
        guard let journal = try? WriteJournal(directory: directory), let record = journal.record, record.pending else { return nil }
        var hours = StepRanges()
        for image in journal.images(of: record) where image.kind == .hourRanges {
            for range in image.ranges { hours.insert(range) }
        }
        try journal.arm(record.cleaned())
        return record.boot != BootIdentity.current ? hours : nil
    }

    /// Writes `record` without waiting for the disk (a record saying the
    /// rings are synced: if it is lost, the next writer checks rows that are
    /// intact). The kernel is asked to start writing it at once.
    package func write(_ record: JournalRecord) throws(StoreError) {
        let written = try put(record)
        // Starts the slot's writeback without waiting for it (Linux: fadvise
        // DONTNEED writes dirty pages back asynchronously), so the window in
        // which a power loss finds the older record is milliseconds, not the
        // kernel's 30 s.
        let slot = Self.slotOffsets[Int(written.generation % 2)]
        _ = posix_fadvise(descriptor, off_t(slot), off_t(JournalRecord.slotSize), POSIX_FADV_DONTNEED)
        self.record = written
    }

    private func put(_ record: JournalRecord) throws(StoreError) -> JournalRecord {
        var next = record
        next.generation = (self.record?.generation ?? 0) &+ 1
        next.imageBytes = UInt64(record.pending ? epochImageBytes : 0)
        next.imageCount = UInt32(record.pending ? epochImageCount : 0)
        let bytes = next.encoded()
        try writeAll(bytes, at: Self.slotOffsets[Int(next.generation % 2)])
        return next
    }

    /// Gives back the room a large epoch's copies took (the record now says
    /// the rings are synced: the copies are of no use). Readers of the
    /// write sequence look at its first page only.
    package func trim() {
        let keep = Self.imageOffset + (1 << 20)
        guard length > Self.trimAbove, ftruncate(descriptor, off_t(keep)) == 0 else { return }
        length = keep
    }

    /// The journal's size beyond which `trim` gives room back.
    package static let trimAbove = 8 << 20

    // MARK: File

    private func grow(to needed: Int) throws(StoreError) {
        guard needed > length else { return }
        // Room in steps of a mebibyte beyond the slots, so images do not grow the file one by one.
        let target = needed <= Self.imageOffset ? Self.imageOffset : (needed + (1 << 20) - 1) / (1 << 20) * (1 << 20)
        let result = posix_fallocate(descriptor, off_t(length), off_t(target - length))
        guard result == 0 else { throw .system(path: path, operation: "allocate \(target) bytes", errno: result) }
        length = target
    }

    private func writeAll(_ bytes: [UInt8], at offset: Int) throws(StoreError) {
        var failure: StoreError?
        bytes.withUnsafeBytes { raw in
            do throws(StoreError) { try pwriteAll(raw, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func pwriteAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StoreError) {
        var done = 0
        guard let base = bytes.baseAddress else { return }
        while done < bytes.count {
            let n = pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    private func read(_ buffer: inout [UInt8], at offset: Int) -> Bool {
        let count = buffer.count
        let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        return n == count
    }
}
