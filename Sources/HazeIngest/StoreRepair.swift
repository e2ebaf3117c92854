import Foundation
import HazeModel
import HazeRegistry
import HazeStore

/// `haze check --repair`: restores exactly what can be restored, keeps what
/// is intact, and says what could not be restored. Never reports success
/// when something was lost.
///
/// In order of certainty:
/// 1. a header copy that is damaged is rewritten from the intact one;
/// 2. a row whose damage is one flipped bit is fixed in place — the row's
///    64-bit checksum identifies the bit;
/// 3. a damaged daily row inside the hourly window is recomputed from its
///    (intact) hours;
/// 4. a damaged row is restored from `raw/` (a scratch rebuild): exact when
///    the result matches the row's checksum; otherwise raw/'s values are
///    taken and every value of the damaged row raw/ cannot vouch for is
///    written to `<store>/salvage/` (a long CSV `haze ingest` reads back)
///    and reported as not restored;
/// 5. a ring that cannot be opened at all is rebuilt from `raw/`, keeping
///    from the other ring whatever raw/ lacks.
/// Both ring files are copied to `backup-<time>/` before anything changes.
public struct StoreRepair {
    public let directory: String
    public let registry: StationRegistry

    /// What a repair did and what it could not do.
    public struct Outcome: Sendable {
        /// Each thing done, one line each.
        public var actions: [String] = []
        /// Each thing not restored, one line each (empty: nothing was lost).
        public var losses: [String] = []
        /// Values set aside because they could not be verified or restored.
        public var salvaged = 0
        public var salvageFiles: [String] = []
        public var backup: String?

        /// True when every damaged item was restored exactly.
        public var isComplete: Bool { losses.isEmpty }
    }

    public init(directory: String, registry: StationRegistry) {
        self.directory = directory
        self.registry = registry
    }

    /// Repairs under the writer's lock (taken by opening the store for writing).
    public func run(lockTimeout: Double? = nil, progress: ((String) -> Void)? = nil) throws -> Outcome {
        var outcome = Outcome()
        let before = StoreCheck(directory: directory)
        if before.isHealthy { return outcome }
        outcome.backup = try backUpRings()
        let unopenable = before.findings.compactMap { finding -> String? in
            if case .unopenable(let file, _) = finding { return file }
            return nil
        }
        if !unopenable.isEmpty {
            try rebuildUnopenable(unopenable, outcome: &outcome, lockTimeout: lockTimeout, progress: progress)
            return outcome
        }
        // Open without completing interrupted work: header fields the rows
        // contradict are put right first (they decide which rows are where).
        let store = try Store(directory: directory, access: .readWrite, lockTimeout: lockTimeout, recovering: false)
        for path in try store.clearedThroughFromRows() {
            outcome.actions.append("\(path): the cleared-through step was behind rows holding data; set to the newest step")
        }
        let misplaced = before.findings.contains { finding in
            switch finding {
            case .hourlyRow(_, _, let detail), .dailyRow(_, let detail): detail.contains("is tagged for step")
            default: false
            }
        }
        if misplaced {
            for fix in try store.newestFromRows() {
                outcome.actions.append("\(fix) (the header's newest step disagreed with the rows)")
            }
        }
        try store.recover()
        let check = StoreCheck(store: store)
        if before.needsUpgrade {
            outcome.actions.append("upgraded the rings to format \(RingHeader.formatVersion) in place (the format-1 files are kept in backup-format1-<time>/)")
        }
        var damagedHours: [Hour] = []
        var damagedDays: [Day] = []
        var disagreeing: [Day] = []
        for finding in check.findings {
            switch finding {
            case .headerCopy(let file, let detail):
                try store.rewriteHeaders()
                outcome.actions.append("\(file): rewrote both header copies (\(detail))")
            case .hourlyRow(let hour, _, _): damagedHours.append(hour)
            case .dailyRow(let day, _): damagedDays.append(day)
            case .dailyDisagrees(let day, _, _): disagreeing.append(day)
            case .layout(let file, let detail) where detail.contains("longer than its layout"):
                for (path, bytes) in try store.cutExcessBytes() where path == file {
                    outcome.actions.append("\(path): cut the \(bytes) byte(s) appended beyond its layout")
                }
            case .layout(let file, let detail): outcome.losses.append("\(file): \(detail) — not repairable in place; rebuild with `haze rebuild`")
            case .unopenable, .olderFormat, .interruptedMove: break
            }
        }
        let repairedHours = damagedHours
        // Certain fixes first: single flipped bits.
        damagedHours = try damagedHours.filter { hour in
            guard let fix = store.singleBitFix(hour: hour) else { return true }
            var raws = (0 ..< store.series.count).map { store.hourlyRaw($0, at: hour) }
            raws[fix.series] = fix.raw
            try store.replaceHourlyRow(hour, raws: raws)
            outcome.actions.append("hour \(store.zone.format(hour)): one flipped bit in \(store.series[fix.series]) corrected (verified by the row's checksum)")
            return false
        }
        damagedDays = try damagedDays.filter { day in
            guard let fix = store.singleBitFix(day: day) else { return true }
            var raws = (0 ..< store.series.count).map { store.dailyRaw($0, on: day) }
            raws[fix.series] = fix.raw
            try store.replaceDailyRow(day, raws: raws)
            outcome.actions.append("day \(day): one flipped bit in \(store.series[fix.series]) corrected (verified by the row's checksum)")
            return false
        }
        // Restore what raw/ holds.
        var scratch: Store?
        let rebuild = StoreRebuild(directory: directory, registry: registry,
                                   configuration: StoreConfiguration(hourlyCapacity: store.hourlyCapacity, dailyCapacity: store.dailyCapacity,
                                                                     zone: store.zone, dayConvention: store.calendar.convention))
        let scratchDirectory = directory + "/repair.tmp"
        defer { try? FileManager.default.removeItem(atPath: scratchDirectory) }
        if !damagedHours.isEmpty || !damagedDays.isEmpty, !rebuild.payloads.isEmpty {
            progress?("repair: rebuilding a scratch store from \(rebuild.payloads.count) raw payload(s)")
            let built = try rebuild.build(at: scratchDirectory, progress: progress)
            if built.unusable > 0 {
                outcome.losses.append("\(built.unusable) raw payload(s) could not be read (damaged) and were skipped; what only they held is not restored")
            }
            scratch = try Store(directory: scratchDirectory, access: .readOnly)
        }
        var salvage = Salvage(directory: directory, zone: store.zone)
        for hour in damagedHours {
            try restoreHour(hour, store: store, scratch: scratch, salvage: &salvage, outcome: &outcome)
        }
        // Days whose hours changed are rolled up again from them.
        disagreeing += repairedHours.map { store.calendar.day(of: $0) }
        // Daily rows: from the hours where the hourly window vouches for the whole day, else from raw/.
        let accept = store.oldestWritableHour.map { store.calendar.day(of: $0) }
        let recomputable = Set((damagedDays + disagreeing).filter { day in
            guard let accept, day >= accept else { return false }
            return store.calendar.hours(of: day).allSatisfy { store.verifyHour($0).map { !$0.isDamaged } ?? true }
        })
        if !recomputable.isEmpty {
            try store.recomputeDays(Array(recomputable))
            for day in recomputable.sorted() { outcome.actions.append("day \(day): daily values recomputed from its hours") }
        }
        for day in damagedDays where !recomputable.contains(day) {
            try restoreDay(day, store: store, scratch: scratch, salvage: &salvage, outcome: &outcome)
        }
        for day in Set(disagreeing) where !recomputable.contains(day) {
            outcome.losses.append("day \(day): its daily values could not be recomputed (its hours are not all inside the hourly window or not intact)")
        }
        try store.syncRings()
        outcome.salvaged = salvage.count
        outcome.salvageFiles = try salvage.write()
        return outcome
    }

    /// Restores one damaged hourly row.
    private func restoreHour(_ hour: Hour, store: Store, scratch: Store?, salvage: inout Salvage, outcome: inout Outcome) throws {
        let label = store.zone.format(hour)
        let n = store.series.count
        let current = (0 ..< n).map { store.hourlyRaw($0, at: hour) }
        let rawRow = scratch?.row(at: hour)
        let rawHasHour = rawRow.map { row in (0 ..< row.count).contains { row[$0] != nil } } ?? false
        guard let scratch, rawHasHour else {
            // Nothing to restore from: set every value aside and clear the row.
            for s in 0 ..< n where current[s] != 0 {
                salvage.hour(hour, store.series[s], raw: current[s])
            }
            try store.replaceHourlyRow(hour, raws: [])
            outcome.losses.append("hour \(label): damaged and not in raw/; its \(current.filter { $0 != 0 }.count) value(s) are set aside in salvage/ and the row cleared")
            return
        }
        let row = rawRow
        var fromRaw = [UInt16](repeating: 0, count: n)
        for s in 0 ..< n {
            if let index = scratch.index(of: store.series[s]), let value = row?[index] { fromRaw[s] = UInt16(value + 1) }
        }
        // Raw values where raw/ has them; of the row's own values raw/ lacks,
        // the combination the checksum vouches for, if one does.
        let extra = (0 ..< n).filter { fromRaw[$0] == 0 && current[$0] != 0 && UInt64(current[$0]) <= HourlyRing.maximumRaw }
        if let kept = Self.subsetMatching(extra, limit: 12, { subset in
            var candidate = fromRaw
            for s in subset { candidate[s] = current[s] }
            return store.matchesEntry(hour: hour, raws: candidate.map(UInt64.init))
        }) {
            var candidate = fromRaw
            for s in kept { candidate[s] = current[s] }
            try store.replaceHourlyRow(hour, raws: candidate)
            outcome.actions.append("hour \(label): restored from raw/ (verified by the row's checksum)")
            return
        }
        var unverified = 0
        for s in 0 ..< n where fromRaw[s] == 0 && current[s] != 0 {
            salvage.hour(hour, store.series[s], raw: current[s])
            unverified += 1
        }
        try store.replaceHourlyRow(hour, raws: fromRaw)
        if unverified > 0 {
            outcome.losses.append("hour \(label): restored \(fromRaw.filter { $0 != 0 }.count) value(s) from raw/; \(unverified) value(s) raw/ does not hold could not be verified and are set aside in salvage/")
        } else {
            outcome.actions.append("hour \(label): restored from raw/ (every value the row held is in raw/)")
        }
    }

    /// The subset of `candidates` (all of them, none, or — for a few — any
    /// combination) for which `matches` holds.
    static func subsetMatching(_ candidates: [Int], limit: Int, _ matches: ([Int]) -> Bool) -> [Int]? {
        if matches([]) { return [] }
        if !candidates.isEmpty && matches(candidates) { return candidates }
        guard candidates.count >= 2, candidates.count <= limit else { return nil }
        for mask in 1 ..< (1 << candidates.count) - 1 {
            let subset = candidates.indices.filter { mask & (1 << $0) != 0 }.map { candidates[$0] }
            if matches(subset) { return subset }
        }
        return nil
    }

    /// Restores one damaged daily row that its hours cannot vouch for.
    private func restoreDay(_ day: Day, store: Store, scratch: Store?, salvage: inout Salvage, outcome: inout Outcome) throws {
        let n = store.series.count
        let current = (0 ..< n).map { store.dailyRaw($0, on: day) }
        var fromRaw = [UInt64](repeating: 0, count: n)
        if let scratch {
            for s in 0 ..< n {
                if let index = scratch.index(of: store.series[s]) {
                    // The slot as the rebuild rolled it up, O3 statistics included.
                    fromRaw[s] = scratch.dailyRaw(index, on: day)
                }
            }
        }
        let merged = (0 ..< n).map { s in fromRaw[s] != 0 ? fromRaw[s] : (DailyValue(packed: current[s], code: store.series[s].pollutant.rawValue) == .empty ? 0 : current[s]) }
        if store.matchesEntry(day: day, raws: merged) {
            try store.replaceDailyRow(day, raws: merged)
            outcome.actions.append("day \(day): restored from raw/ (verified by the row's checksum)")
            return
        }
        var unverified = 0
        for s in 0 ..< n where current[s] != 0 && current[s] != fromRaw[s] {
            salvage.day(day, store.series[s], raw: current[s])
            unverified += 1
        }
        try store.replaceDailyRow(day, raws: fromRaw)
        if unverified == 0 {
            outcome.actions.append("day \(day): restored from raw/ (every value the row held agrees with raw/)")
        } else {
            outcome.losses.append("day \(day): damaged; \(fromRaw.filter { $0 != 0 }.count) daily value(s) taken from raw/, \(unverified) value(s) raw/ cannot vouch for set aside in salvage/")
        }
    }

    /// A ring that does not open: rebuild both from raw/ in a scratch store,
    /// keep from the old daily ring the days raw/ lacks, then swap in.
    private func rebuildUnopenable(_ files: [String], outcome: inout Outcome, lockTimeout: Double?,
                                   progress: ((String) -> Void)?) throws {
        let lock = try StoreLock(directory: directory, timeoutSeconds: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let names = files.map { ($0 as NSString).lastPathComponent }
        let oldDaily = names.contains(Store.dailyFileName) ? nil : try? DailyRingSnapshot(directory: directory)
        let rebuild = StoreRebuild(directory: directory, registry: registry,
                                   configuration: oldDaily?.configuration ?? StoreRebuild.configuration(of: directory))
        guard !rebuild.payloads.isEmpty else {
            outcome.losses.append("\(files.joined(separator: ", ")): cannot be opened and raw/ holds nothing to rebuild from; nothing was changed — restore the file(s) from a backup")
            return
        }
        let scratchDirectory = directory + "/repair.tmp"
        defer { try? FileManager.default.removeItem(atPath: scratchDirectory) }
        progress?("repair: rebuilding from \(rebuild.payloads.count) raw payload(s)")
        let built = try rebuild.build(at: scratchDirectory, progress: progress)
        outcome.actions.append("rebuilt from \(built.payloads) raw payload(s): \(built.summary.stored) hourly values")
        if built.unusable > 0 {
            outcome.losses.append("\(built.unusable) raw payload(s) could not be read (damaged) and were skipped; what only they held is not restored")
        }
        var kept = 0
        var lostDays = Set<Day>()
        do {
            let scratch = try Store(directory: scratchDirectory, access: .readWrite)
            if let oldDaily {
                (kept, lostDays) = try oldDaily.merge(into: scratch)
                if kept > 0 { outcome.actions.append("kept \(kept) daily value(s) from the old daily ring that raw/ does not hold") }
            }
        }
        if names.contains(Store.hourlyFileName) {
            if let oldDaily {
                let hoursLost = oldDaily.daysWithHoursMissing(in: scratchDirectory)
                if !hoursLost.isEmpty {
                    outcome.losses.append("hourly values of \(hoursLost.count) day(s) are lost (\(Self.describe(hoursLost))): the hourly ring could not be opened and raw/ does not hold them; their daily values are kept")
                }
            } else {
                outcome.losses.append("the hourly ring could not be opened; only what raw/ holds was restored (the extent of what it held is unknown)")
            }
        }
        if names.contains(Store.dailyFileName) {
            outcome.losses.append("the daily ring could not be opened; its days are rebuilt from raw/ only — days raw/ does not hold are lost")
        }
        if !lostDays.isEmpty {
            outcome.losses.append("daily values of \(lostDays.count) day(s) could not be carried over (\(Self.describe(lostDays))): outside the new daily ring")
        }
        for name in [Store.dailyFileName, Store.hourlyFileName] {
            try AtomicFile.rename(scratchDirectory + "/" + name, to: directory + "/" + name)
        }
    }

    /// Copies both ring files (whatever their state) into `backup-<time>/`.
    private func backUpRings() throws(StoreError) -> String {
        var backup = directory + "/backup-\(Int(Date().timeIntervalSince1970))"
        var suffix = 1
        while FileManager.default.fileExists(atPath: backup) {
            backup = directory + "/backup-\(Int(Date().timeIntervalSince1970))-\(suffix)"
            suffix += 1
        }
        try Directory.create(backup)
        for name in [Store.hourlyFileName, Store.dailyFileName] where FileManager.default.fileExists(atPath: directory + "/" + name) {
            try FileCopy.copy(directory + "/" + name, to: backup + "/" + name)
        }
        return backup
    }

    static func describe(_ days: Set<Day>) -> String {
        let sorted = days.sorted()
        guard let first = sorted.first, let last = sorted.last else { return "" }
        return first == last ? "\(first)" : "\(first) … \(last)"
    }
}
