#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HazeModel

/// After a power loss (the journal's record left by another boot): what the
/// interrupted run had not synced may be on disk, torn, or not at all. The
/// next writer puts back each ring's header as the journal recorded it,
/// verifies every row the record names against its checksum — keeping what
/// verifies, putting back the journal's copy of a torn row that held synced
/// data, clearing a torn row that was empty — rolls the days up from the
/// hours that verify, syncs, and reports the hours to ingest again. It never
/// re-hashes a row: that would bless torn data.
extension Store {
    /// Before the rings are opened: each ring's header page as it was when
    /// the epoch began (from the journal), with the window at the newest step
    /// the record planned and the series its table verifiably holds. A ring
    /// replaced since the record (another length) is left as it is. Returns
    /// true when the rings of a store the interrupted run created cannot be
    /// read: they held nothing synced and are removed, to be made again.
    static func restoreHeadersAfterPowerLoss(directory: String, record: JournalRecord,
                                             images: [JournalImage]) throws(StoreError) -> Bool {
        let hourlyPath = directory + "/" + hourlyFileName, dailyPath = directory + "/" + dailyFileName
        if record.created {
            let readable = (try? HourlyRing(opening: hourlyPath, writable: false)) != nil
                && (try? DailyRing(opening: dailyPath, writable: false)) != nil
            if !readable {
                for path in [hourlyPath, dailyPath] where unlink(path) != 0 && errno != ENOENT {
                    throw .system(path: path, operation: "remove the unreadable ring of the interrupted run", errno: errno)
                }
                return true
            }
        }
        restoreHeader(path: hourlyPath, plan: record.hourly, image: images.first { $0.kind == .hourlyHeader },
                      created: record.created, hourly: true)
        restoreHeader(path: dailyPath, plan: record.daily, image: images.first { $0.kind == .dailyHeader },
                      created: record.created, hourly: false)
        return false
    }

    private static func restoreHeader(path: String, plan: JournalRecord.RingPlan, image: JournalImage?,
                                      created: Bool, hourly: Bool) {
        guard let file = try? MappedFile(openingExisting: path, writable: true),
              file.length == Int(plan.length), file.length >= RingHeader.regionSize else { return }
        if let image, image.payload.count == RingHeader.regionSize {
            file.setBytes(0, image.payload)
        } else if !created {
            return
        }
        guard var header = RingHeader.decode(file, at: RingHeader.copyOffsets[0])
                ?? RingHeader.decode(file, at: RingHeader.copyOffsets[1]) else { return }
        if plan.plannedNewest != emptyStep {
            header.newest = plan.plannedNewest
            header.cleared = plan.plannedNewest
        }
        if hourly {
            // The entries the last write counted, if they reached the disk; else
            // those counted when the epoch began (synced then, never rewritten).
            let bytes = Int(plan.seriesCount) * HourlyRing.tableEntryBytes
            if Int(plan.seriesCount) <= header.seriesCapacity, file.contains(HourlyRing.tableOffset, bytes),
               CRC32.checksum(file.buffer(HourlyRing.tableOffset, bytes)) == plan.tableCRC {
                header.seriesCount = Int(plan.seriesCount)
                header.tableCRC = plan.tableCRC
            }
        }
        header.write(to: file)
    }

    /// With the rings open: verifies the rows the record names, rolls the
    /// days up, syncs, and keeps the report in the journal until a command
    /// has reported it.
    func recoverFromPowerLoss(_ record: JournalRecord, images: [JournalImage], recreated: Bool) throws(StoreError) {
        guard let journal else { return }
        var hours = StepRanges(), days = StepRanges()
        var hourlyCopies: [Int: [UInt8]] = [:], dailyCopies: [Int: [UInt8]] = [:]
        for image in images {
            switch image.kind {
            case .hourRanges: for range in image.ranges { hours.insert(range) }
            case .dayRanges: for range in image.ranges { days.insert(range) }
            case .hourlyRow: hourlyCopies[image.step] = image.payload
            case .dailyRow: dailyCopies[image.step] = image.payload
            case .hourlyHeader, .dailyHeader: break
            }
        }
        var report = record.loss ?? PowerLossReport()
        if report.interruptedSince == 0 || (record.startedAt > 0 && record.startedAt < report.interruptedSince) {
            report.interruptedSince = record.startedAt
        }
        report.hours.formUnion(hours)
        if recreated {
            report.recreated = true
        } else {
            var tally = RowTally()
            if hourly.file.length == Int(record.hourly.length) {
                recoverRows(hourly.ring, plan: record.hourly, named: hours, copies: hourlyCopies, tally: &tally)
            }
            var dailyTally = RowTally()
            if daily.file.length == Int(record.daily.length) {
                recoverRows(daily.ring, plan: record.daily, named: days, copies: dailyCopies, tally: &dailyTally)
            }
            // The days of the named hours and the named days, from the hours that verify.
            var rolled = days
            for range in hours.ranges {
                rolled.insert(calendar.day(of: Hour(range.lowerBound)).index ... calendar.day(of: Hour(range.upperBound)).index)
            }
            if let newest = hourly.newest, let accept = oldestWritableHour {
                let first = calendar.day(of: accept).index, last = calendar.day(of: newest).index
                for range in rolled.ranges {
                    let low = max(range.lowerBound, first), high = min(range.upperBound, last)
                    guard low <= high else { continue }
                    // A day with a damaged hour the run did not write is left for `haze check`.
                    for index in low ... high { try? rollUp(Day(index)) }
                }
                // Days the hours no longer vouch for, whose daily values went back to the last sync or were lost.
                for index in dailyTally.changed where index < first { report.days.insert(index) }
            } else {
                for index in dailyTally.changed { report.days.insert(index) }
            }
            report.keptRows += tally.kept + dailyTally.kept
            report.clearedRows += tally.cleared + dailyTally.cleared
            report.restoredRows += tally.restored + dailyTally.restored
        }
        try hourly.ring.file.syncAll()
        try daily.ring.file.syncAll()
        sequence?.endWrite()
        var clean = record.cleaned()
        clean.loss = report
        try journal.write(clean)
    }

    /// What the verification of one ring's named rows did.
    private struct RowTally {
        var kept = 0, cleared = 0, restored = 0
        /// Named steps whose rows no longer hold what the run wrote (put back or cleared).
        var changed: [Int] = []
    }

    /// The rows the window's move reused (after the step the epoch began at),
    /// then the named rows before them: each kept if it verifies as its own
    /// step, else put back from the journal's copy (it held synced data),
    /// else cleared.
    private func recoverRows<Step: RingStep>(_ ring: RingFile<Step>, plan: JournalRecord.RingPlan, named: StepRanges,
                                             copies: [Int: [UInt8]], tally: inout RowTally) {
        guard let top = ring.newest?.index else { return }
        let codes = pollutantCodes
        let bottom = top - ring.geometry.capacity + 1
        let start = plan.startNewest == emptyStep ? nil : Int(exactly: plan.startNewest)
        let firstMoved = max(start.map { $0 + 1 } ?? bottom, bottom)
        if firstMoved <= top {
            for index in firstMoved ... top {
                let step = Step(index)
                let verdict = ring.verify(step, pollutantCodes: codes)
                if verdict == .intact {
                    if named.contains(index) { tally.kept += 1 }
                    continue
                }
                // Damaged, or another step's row the move had not cleared on disk yet.
                if verdict != .empty { ring.clearRows(step ... step) }
                if named.contains(index) {
                    tally.cleared += 1
                    tally.changed.append(index)
                }
            }
        }
        for range in named.ranges {
            let low = max(range.lowerBound, bottom), high = min(range.upperBound, firstMoved - 1)
            guard low <= high else { continue }
            for index in low ... high {
                let step = Step(index)
                let verdict = ring.verify(step, pollutantCodes: codes)
                if verdict == .intact {
                    tally.kept += 1
                    continue
                }
                tally.changed.append(index)
                if let copy = copies[index], copy.count == ring.geometry.rowBytes + RingGeometry.entryBytes {
                    ring.file.setBytes(ring.geometry.rowOffset(index), Array(copy[0 ..< ring.geometry.rowBytes]))
                    ring.file.setBytes(ring.geometry.entryOffset(index), Array(copy[ring.geometry.rowBytes...]))
                    if !ring.verify(step, pollutantCodes: codes).isDamaged {
                        tally.restored += 1
                        continue
                    }
                }
                if ring.verify(step, pollutantCodes: codes) != .empty { ring.clearRows(step ... step) }
                tally.cleared += 1
            }
        }
    }
}
