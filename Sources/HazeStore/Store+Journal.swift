#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HazeModel

extension Store {
    /// When a writer's changes are synced to disk.
    public enum Durability: Sendable {
        /// Every write and every new series is on disk when the call returns:
        /// its journal record synced first, then both rings (three syncs).
        case eachWrite
        /// A run (an ingest, a pull): each write syncs only its journal record
        /// (one sync); the rings are synced by `makeDurable()`, which the run
        /// calls when it ends. A store the run creates appears at its first
        /// write. A power loss before then loses the run's unsynced hours —
        /// the next writer verifies and names them — never what was synced.
        case endOfRun
    }

    /// What a writer recovering from a power loss found, until a command has
    /// reported it (`acknowledgePowerLoss()`); nil when there is nothing to report.
    public var powerLoss: PowerLossReport? { journal?.record?.loss }

    /// Forgets the power-loss report once it has been reported (printed, logged).
    public func acknowledgePowerLoss() throws(StoreError) {
        guard let journal, var record = journal.record, record.loss != nil else { return }
        record.loss = nil
        try journal.write(record)
    }

    /// Syncs both rings if anything changed since they were last synced, and
    /// records that they are (the end of a run; a new journal epoch begins).
    /// A store created by this writer is renamed into place first.
    public func makeDurable() throws(StoreError) {
        guard access == .readWrite, let journal else { return }
        if unpublished || tableAhead { try arm(WritePlan()) }
        guard let record = journal.record, record.pending else { return }
        try hourly.ring.file.syncAll()
        try daily.ring.file.syncAll()
        try journal.write(record.cleaned())
        imaged = ImagedSteps()
        journal.trim()
    }

    /// Whether a record still describes the store: the write sequence has
    /// not moved on by more than the one write that followed it (a writer
    /// without this journal, an older haze, wrote and synced since).
    static func recordMatches(_ record: JournalRecord, counter: UInt64) -> Bool {
        counter >= record.counter && counter - record.counter <= 2
    }

    /// The store's shape as its rings record it.
    var configuration: StoreConfiguration {
        StoreConfiguration(hourlyCapacity: hourly.geometry.capacity, dailyCapacity: daily.geometry.capacity, zone: zone,
                           dayConvention: calendar.convention)
    }

    // MARK: Recording a write

    /// Records in the journal what a write of `runs` (the first `end`) will
    /// change — its hours and days, the window's move, a copy of every row
    /// holding data that it changes and that was not copied earlier in the
    /// epoch — and syncs that: the write's only sync, before any byte of the
    /// rings changes.
    func journalWrite(_ arrays: [[StoredReading]], runs: HourRuns, end: Int) throws(StoreError) {
        guard let journal, end > 0 else { return }
        while true {
            let plan = writePlan(arrays, runs: runs, end: end)
            // An epoch's copies are bounded: past the bound the rings are synced (a new epoch, nothing to copy).
            let extra = plan.imageHours.count * (hourly.geometry.rowBytes + 128) + plan.imageDays.count * (daily.geometry.rowBytes + 128)
            if journal.record?.pending == true && journal.epochImageBytes + extra > WriteJournal.imageLimit {
                try makeDurable()
                continue
            }
            try arm(plan)
            return
        }
    }

    /// What a write will change, read from the rings before it does.
    private func writePlan(_ arrays: [[StoredReading]], runs: HourRuns, end: Int) -> WritePlan {
        var plan = WritePlan()
        let old = hourly.newest
        let last = Hour(Int(runs.hours[end - 1]))
        let newest = old.map { max($0, last) } ?? last
        plan.newest = newest
        let window = hourly.presentHours
        let geometry = hourly.geometry, file = hourly.file
        for run in 0 ..< end {
            let hour = Hour(Int(runs.hours[run]))
            plan.days.insert(calendar.day(of: hour).index)
            // A row after the newest hour is cleared by the move and filled: it changes.
            guard let old, hour <= old else {
                plan.hours.insert(hour.index)
                continue
            }
            // Older than the window: refused, nothing changes; a damaged entry: the write stops there.
            guard let window, window.contains(hour), let entry = hourly.ring.entry(hour) else { continue }
            if entry.isEmpty || imaged.hours.contains(hour.index) {
                plan.hours.insert(hour.index)
                continue
            }
            let row = file.buffer(geometry.rowOffset(hour.index), geometry.rowBytes)
            if Self.changes(arrays[runs.array(run)], runs.positions(run), permutation: runs.order.permutation, row: row) {
                plan.hours.insert(hour.index)
                plan.imageHours.append(hour)
            }
        }
        if let old, newest > old {
            // Every day that leaves the writable window (a superset of those a
            // write of several chunks rolls up again before their hours go).
            let from = calendar.day(of: acceptStart(for: old)), to = calendar.day(of: acceptStart(for: newest))
            if from < to { plan.days.insert(from.index ... to.index - 1) }
        }
        if let days = daily.presentDays {
            for range in plan.days.ranges {
                for index in range where days.contains(Day(index)) && !imaged.days.contains(index)
                    && daily.ring.entry(Day(index))?.isEmpty != true {
                    plan.imageDays.append(Day(index))
                }
            }
        }
        return plan
    }

    /// Whether any of the readings at `positions` differs from the slot it
    /// is written to (even a value later written back: the row's pages may
    /// reach the disk in between).
    private static func changes(_ readings: [StoredReading], _ positions: Range<Int>, permutation: [Int]?,
                                row: UnsafeRawBufferPointer) -> Bool {
        readings.withUnsafeBufferPointer { readings in
            for j in positions {
                let reading = readings[permutation?[j] ?? j]
                let offset = 2 * Int(reading.series)
                guard offset >= 0, offset + 2 <= row.count else { return true }
                if UInt16(littleEndian: row.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) != reading.value &+ 1 { return true }
            }
            return false
        }
    }

    /// Writes the plan's copies and the record, and syncs them; then does
    /// what waited for a record (the table's count, renaming new rings into place).
    func arm(_ plan: WritePlan) throws(StoreError) {
        guard let journal, let sequence else { return }
        var record = journal.record ?? JournalRecord()
        if !record.pending {
            journal.beginEpoch()
            record.pending = true
            record.created = unpublished
            record.configuration = unpublished ? configuration : nil
            record.startedAt = Int64(time(nil))
            record.hourly = JournalRecord.RingPlan()
            record.hourly.startNewest = hourly.ring.header.newest
            record.hourly.plannedNewest = hourly.ring.header.newest
            record.daily = JournalRecord.RingPlan()
            record.daily.startNewest = daily.ring.header.newest
            record.daily.plannedNewest = daily.ring.header.newest
            imaged = ImagedSteps()
        }
        let epoch = record.epoch
        if !imaged.headers {
            try journal.stageImage(.hourlyHeader, epoch: epoch, step: 0, [hourly.file.buffer(0, RingHeader.regionSize)])
            try journal.stageImage(.dailyHeader, epoch: epoch, step: 0, [daily.file.buffer(0, RingHeader.regionSize)])
        }
        for hour in plan.imageHours {
            try journal.stageImage(.hourlyRow, epoch: epoch, step: hour.index,
                                   [hourly.file.buffer(hourly.geometry.rowOffset(hour.index), hourly.geometry.rowBytes),
                                    hourly.file.buffer(hourly.geometry.entryOffset(hour.index), RingGeometry.entryBytes)])
        }
        for day in plan.imageDays {
            try journal.stageImage(.dailyRow, epoch: epoch, step: day.index,
                                   [daily.file.buffer(daily.geometry.rowOffset(day.index), daily.geometry.rowBytes),
                                    daily.file.buffer(daily.geometry.entryOffset(day.index), RingGeometry.entryBytes)])
        }
        for (kind, steps) in [(JournalImage.Kind.hourRanges, plan.hours), (.dayRanges, plan.days)] where !steps.isEmpty {
            var bytes = ByteWriter()
            for range in steps.ranges {
                bytes.i64(Int64(range.lowerBound))
                bytes.i64(Int64(range.upperBound))
            }
            try journal.stageImage(kind, epoch: epoch, step: 0, bytes: bytes.data)
        }
        if let newest = plan.newest {
            record.hourly.plannedNewest = max(record.hourly.plannedNewest, Int64(newest.index))
            record.daily.plannedNewest = max(record.daily.plannedNewest, Int64(calendar.day(of: newest).index))
        }
        record.hourly.seriesCount = UInt32(series.count)
        record.hourly.tableCRC = hourly.tableChecksum(count: series.count)
        record.hourly.length = UInt64(hourly.file.length)
        record.daily.length = UInt64(daily.file.length)
        record.boot = BootIdentity.current
        record.counter = sequence.value
        try journal.arm(record)
        // Every row the record names is covered now: copied, or empty (or not
        // yet in the window) when last synced. A later write of the epoch
        // must not copy what this one leaves there.
        imaged.headers = true
        for range in plan.hours.ranges { imaged.hours.formUnion(range) }
        for range in plan.days.ranges { imaged.days.formUnion(range) }
        if tableAhead {
            hourly.countSeries(series.count)
            tableAhead = false
        }
        if unpublished { try publish() }
    }

    /// Renames rings this writer created into place (daily first: until
    /// hourly.ring exists the directory is not a store). Their names are not
    /// synced on their own: a journaling file system (ext4, XFS) commits them
    /// with the rings' sync at the end of the run; before that a power loss
    /// may leave the store without them, and the journal's record names what
    /// the next run must ingest again.
    private func publish() throws(StoreError) {
        for path in [dailyPath, hourlyPath] {
            guard Glibc.rename(AtomicFile.temporaryPath(for: path), path) == 0 else {
                throw .system(path: path, operation: "rename", errno: errno)
            }
        }
        hourly = try HourlyRing(opening: hourlyPath, writable: true)
        daily = try DailyRing(opening: dailyPath, writable: true)
        unpublished = false
    }
}

extension JournalRecord {
    /// The record once the rings are synced: nothing pending, a new epoch.
    package func cleaned() -> JournalRecord {
        var clean = self
        clean.pending = false
        clean.created = false
        clean.configuration = nil
        clean.epoch &+= 1
        return clean
    }
}
