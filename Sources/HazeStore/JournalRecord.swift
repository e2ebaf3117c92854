import HazeModel

/// The journal's record (see `WriteJournal`): what the writer has changed in
/// the rings since they were last synced, enough for the next writer to
/// finish it on the same boot or verify it after a power loss.
///
/// One slot (at most 4096 bytes, little-endian):
///
///     0    magic "HAZEJRNL", version u32 (1), length u32
///     16   generation u64   (the newer of the two slots wins)
///     24   epoch u64        (one per sync of the rings)
///     32   flags u32        (1 pending: rings changed since their last sync; 2 created:
///                           the epoch created the rings; 4 a loss report follows)
///     36   boot id          40 bytes, NUL-padded
///     76   counter u64      (the write sequence when armed)
///     84   started i64      (Unix seconds of the epoch's first change)
///     92   configuration    hourly capacity u32, daily capacity u32, zone minutes i32, convention u32
///     108  hourly plan      length u64, start newest i64, planned newest i64,
///                           series count u32, table CRC u32            (32 bytes)
///     140  daily plan       the same                                   (32 bytes)
///     172  image bytes u64, image count u32
///     184  loss report      (flag 4): since i64, cleared u32, restored u32, kept u32,
///                           flags u32 (1 exact, 2 recreated), hour ranges u16, day ranges u16,
///                           then the ranges (i64 first, i64 last)
///     …    CRC-32 u32 of everything before it
package struct JournalRecord: Equatable, Sendable {
    package static let magic: [UInt8] = Array("HAZEJRNL".utf8)
    package static let version: UInt32 = 1
    package static let slotSize = 4096
    /// Ranges a loss report keeps (hours; days get a quarter as many).
    package static let lossHourRanges = 192
    package static let lossDayRanges = 48

    /// One ring as the record knows it.
    package struct RingPlan: Equatable, Sendable {
        /// The length of the file the plan is about: a ring replaced since
        /// (widened: longer) is not this one. (Not its inode: a store copied
        /// with its journal, `cp -a`, is still the same store.)
        package var length: UInt64 = 0
        /// The newest step when the epoch began (`emptyStep`: none).
        package var startNewest: Int64 = emptyStep
        /// The newest step the writes recorded move the window to.
        package var plannedNewest: Int64 = emptyStep
        /// Hourly ring: series in the table after those writes, and their checksum.
        package var seriesCount: UInt32 = 0
        package var tableCRC: UInt32 = 0

        package init() {}
    }

    package var generation: UInt64 = 0
    package var epoch: UInt64 = 0
    /// The rings were changed after this record and are not synced yet.
    package var pending = false
    /// The rings were created in this epoch (nothing of them was ever synced).
    package var created = false
    package var boot = ""
    package var counter: UInt64 = 0
    package var startedAt: Int64 = 0
    /// The store's shape, for rings of a created epoch that must be made again.
    package var configuration: StoreConfiguration?
    package var hourly = RingPlan()
    package var daily = RingPlan()
    /// The journal's images of this epoch: bytes after `WriteJournal.imageOffset`, and how many.
    package var imageBytes: UInt64 = 0
    package var imageCount: UInt32 = 0
    /// A power loss recovered from, until a command has reported it.
    package var loss: PowerLossReport?

    package init() {}

    // MARK: Encoding

    package func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes(Self.magic)
        out.u32(Self.version)
        out.u32(0)  // length, set below
        out.u64(generation)
        out.u64(epoch)
        out.u32((pending ? 1 : 0) | (created ? 2 : 0) | (loss != nil ? 4 : 0))
        var id = Array(boot.utf8.prefix(39))
        id += [UInt8](repeating: 0, count: 40 - id.count)
        out.bytes(id)
        out.u64(counter)
        out.i64(startedAt)
        out.u32(UInt32(clamping: configuration?.hourlyCapacity ?? 0))
        out.u32(UInt32(clamping: configuration?.dailyCapacity ?? 0))
        out.i32(Int32(clamping: configuration?.zone.offsetMinutes ?? 0))
        out.u32(configuration?.dayConvention.rawValue ?? 0)
        for plan in [hourly, daily] {
            out.u64(plan.length)
            out.i64(plan.startNewest)
            out.i64(plan.plannedNewest)
            out.u32(plan.seriesCount)
            out.u32(plan.tableCRC)
        }
        out.u64(imageBytes)
        out.u32(imageCount)
        if let loss {
            let hours = loss.hours.coalesced(to: Self.lossHourRanges)
            let days = loss.days.coalesced(to: Self.lossDayRanges)
            out.i64(loss.interruptedSince)
            out.u32(UInt32(clamping: loss.clearedRows))
            out.u32(UInt32(clamping: loss.restoredRows))
            out.u32(UInt32(clamping: loss.keptRows))
            out.u32((loss.hoursExact && hours.exact ? 1 : 0) | (loss.recreated ? 2 : 0))
            out.u16(UInt16(hours.ranges.ranges.count))
            out.u16(UInt16(days.ranges.ranges.count))
            for range in hours.ranges.ranges + days.ranges.ranges {
                out.i64(Int64(range.lowerBound))
                out.i64(Int64(range.upperBound))
            }
        }
        var bytes = out.data
        let length = UInt32(bytes.count + 4)
        withUnsafeBytes(of: length.littleEndian) { for (i, b) in $0.enumerated() { bytes[12 + i] = b } }
        let crc = CRC32.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes += $0 }
        precondition(bytes.count <= Self.slotSize, "a journal record of \(bytes.count) bytes")
        return bytes
    }

    /// A record read back, or nil when the slot holds none (empty, torn, another version).
    package static func decode(_ slot: UnsafeRawBufferPointer) -> JournalRecord? {
        var input = ByteReader(slot)
        guard input.bytes(8) == magic, input.u32() == version, let length = input.u32().map(Int.init),
              length >= 188, length <= slot.count, length <= slotSize else { return nil }
        let stored = UInt32(littleEndian: slot.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self))
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: slot[0 ..< length - 4])) == stored else { return nil }
        var record = JournalRecord()
        record.generation = input.u64() ?? 0
        record.epoch = input.u64() ?? 0
        let flags = input.u32() ?? 0
        record.pending = flags & 1 != 0
        record.created = flags & 2 != 0
        let id = input.bytes(40) ?? []
        record.boot = String(decoding: id.prefix(while: { $0 != 0 }), as: UTF8.self)
        record.counter = input.u64() ?? 0
        record.startedAt = input.i64() ?? 0
        let hourlyCapacity = Int(input.u32() ?? 0), dailyCapacity = Int(input.u32() ?? 0)
        let zoneMinutes = Int(input.i32() ?? 0), convention = input.u32() ?? 0
        if hourlyCapacity > 0, let zone = LocalZone(offsetMinutes: zoneMinutes), let dayConvention = DayConvention(rawValue: convention) {
            record.configuration = StoreConfiguration(hourlyCapacity: hourlyCapacity, dailyCapacity: dailyCapacity, zone: zone,
                                                      dayConvention: dayConvention)
        }
        for ring in 0 ..< 2 {
            var plan = RingPlan()
            plan.length = input.u64() ?? 0
            plan.startNewest = input.i64() ?? emptyStep
            plan.plannedNewest = input.i64() ?? emptyStep
            plan.seriesCount = input.u32() ?? 0
            plan.tableCRC = input.u32() ?? 0
            if ring == 0 { record.hourly = plan } else { record.daily = plan }
        }
        record.imageBytes = input.u64() ?? 0
        record.imageCount = input.u32() ?? 0
        if flags & 4 != 0 {
            var loss = PowerLossReport()
            loss.interruptedSince = input.i64() ?? 0
            loss.clearedRows = Int(input.u32() ?? 0)
            loss.restoredRows = Int(input.u32() ?? 0)
            loss.keptRows = Int(input.u32() ?? 0)
            let lossFlags = input.u32() ?? 0
            loss.hoursExact = lossFlags & 1 != 0
            loss.recreated = lossFlags & 2 != 0
            let hourCount = Int(input.u16() ?? 0), dayCount = Int(input.u16() ?? 0)
            for n in 0 ..< hourCount + dayCount {
                guard let first = input.i64().flatMap({ Int(exactly: $0) }), let last = input.i64().flatMap({ Int(exactly: $0) }),
                      first <= last else { return nil }
                if n < hourCount { loss.hours.insert(first ... last) } else { loss.days.insert(first ... last) }
            }
            record.loss = loss
        }
        guard input.offset == length - 4 else { return nil }
        return record
    }
}
