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
    /// The store's directory (the store need not open: a ring that cannot is rebuilt).
    public let directory: String
    /// The registry raw payloads are ingested against when rows are restored from `raw/`.
    public let registry: StationRegistry

    /// What a repair did and what it could not do.
    public struct Outcome: Sendable {
        /// Each thing done, one line each.
        public var actions: [String] = []
        /// Each thing not restored, one line each (empty: nothing was lost).
        public var losses: [String] = []
        /// Values set aside because they could not be verified or restored.
        public var salvaged = 0
        /// The files under `<store>/salvage/` holding those values: hours as a long CSV `haze ingest` reads back, days as sums and hour counts.
        public var salvageFiles: [String] = []
        /// The `backup-<time>/` directory holding both ring files as they were; nil when the store was healthy and nothing was touched.
        public var backup: String?

        /// True when every damaged item was restored exactly.
        public var isComplete: Bool { losses.isEmpty }
    }

    /// A repair of the store in `directory`; nothing is touched until `run(lockTimeout:progress:)`.
    public init(directory: String, registry: StationRegistry) {
        self.directory = directory
        self.registry = registry
    }

    /// Repairs under the writer's lock (taken by opening the store for writing).
    public func run(lockTimeout: Double? = nil, progress: ((String) -> Void)? = nil) throws -> Outcome {
        var outcome = Outcome()
        // The lock first: what is repaired is decided on a state no writer is changing.
        let lock = try StoreLock(directory: directory, timeoutSeconds: lockTimeout)
        // A run a power loss interrupted first: the journal says exactly what
        // it changed and holds the rows as they were synced, so its rows are
        // verified from there (by opening a writer) before anything is judged
        // damaged; what must be ingested again is a loss, never OK.
        if let record = WriteJournal.peek(directory: directory),
           (record.pending && record.boot != BootIdentity.current) || record.loss != nil {
            do {
                let store = try Store(directory: directory, access: .readWrite, recovering: true, holding: lock)
                if let loss = store.powerLoss {
                    outcome.losses += loss.lines(zone: store.zone)
                    try store.acknowledgePowerLoss()
                }
            } catch {
                progress?("repair: what the interrupted run wrote could not be verified from the journal (\(error)); repairing the damage instead")
                // Whatever the repair replaces, the journal's record must not be applied to it later.
                if let hours = try WriteJournal.discardPending(directory: directory) {
                    let zone = StoreConfiguration.recorded(in: directory)?.zone ?? .utc
                    outcome.losses.append("\(hours.count) hour(s) a power loss interrupted before they were synced could not be verified: ingest them again (or `haze rebuild` from raw/): "
                                          + hours.ranges.map { zone.format(Hour($0.lowerBound)) + " … " + zone.format(Hour($0.upperBound)) }.joined(separator: ", "))
                }
            }
        }
        var before = StoreCheck(directory: directory)
        if before.isHealthy { return outcome }
        outcome.backup = try backUpRings()
        // Header fields the rest of the store contradicts, first: they decide where everything is.
        let fixed = HeaderReconciliation.reconcile(directory: directory, apply: true)
        if !fixed.isEmpty {
            outcome.actions += fixed.map { "header field corrected: \($0)" }
            before = StoreCheck(directory: directory)
            if before.isHealthy { return outcome }
        }
        let unopenable = before.findings.compactMap { finding -> String? in
            if case .unopenable(let file, _) = finding { return file }
            return nil
        }
        if !unopenable.isEmpty {
            try rebuildUnopenable(unopenable, lock: lock, outcome: &outcome, progress: progress)
            return outcome
        }
        // Open without completing interrupted work: header fields the rows
        // contradict are put right first (they decide which rows are where).
        let store = try Store(directory: directory, access: .readWrite, recovering: false, holding: lock)
        for path in try store.clearedThroughFromRows() {
            outcome.actions.append("\(path): the cleared-through step was behind rows holding data; set to the newest step")
        }
        // With no write interrupted, the newest row of each ring holds the newest
        // step (every write writes it): a header that says otherwise is damaged.
        if !store.writeWasInterrupted {
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
            case .unopenable, .olderFormat, .interruptedMove, .headerField, .keptWithoutHours: break
            case .powerLossPending, .powerLossReport: break
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
        let reportedDisagreeing = Set(disagreeing)
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
        // A day only touched because its hours were restored keeps its own row
        // when that row verifies: nothing of it was lost, it just cannot be
        // recomputed (part of the day is outside the hourly window).
        for day in Set(disagreeing) where !recomputable.contains(day) {
            if !reportedDisagreeing.contains(day), let verdict = store.verifyDay(day), !verdict.isDamaged {
                outcome.actions.append("day \(day): its daily row verifies and is kept (its hours are not all inside the hourly window to recompute it from)")
                continue
            }
            outcome.losses.append("day \(day): its daily values could not be recomputed (its hours are not all inside the hourly window or not intact)")
        }
        try store.syncRings()
        // A killed run's journal epoch ends here: its copies must never be put back over what the repair wrote.
        try store.makeDurable()
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
        // The row's entry still readable, yet what raw/ gives does not match its checksum:
        // the row held values raw/ does not (a zeroed page leaves none to compare).
        let missing = store.valuesMissing(hour: hour, raws: fromRaw.map(UInt64.init))
        let gone = max(0, (missing ?? 0) - unverified)
        try store.replaceHourlyRow(hour, raws: fromRaw)
        if unverified > 0 || missing != nil {
            outcome.losses.append("hour \(label): restored \(fromRaw.filter { $0 != 0 }.count) value(s) from raw/"
                + (unverified > 0 ? "; \(unverified) value(s) raw/ does not hold could not be verified and are set aside in salvage/" : "")
                + (gone > 0 ? "; \(gone) value(s) the row's checksum records are in neither raw/ nor the damaged row: lost"
                            : missing != nil ? "; they do not match the row's checksum: raw/ lacks part of what the row held" : ""))
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
        // Raw values where raw/ has them; of the row's own values raw/ lacks,
        // the combination the row's checksum vouches for, if one does.
        let extra = (0 ..< n).filter {
            fromRaw[$0] == 0 && current[$0] != 0 && DailyRing.isValidRaw(current[$0], code: store.series[$0].pollutant.rawValue)
        }
        if let kept = Self.subsetMatching(extra, limit: 12, { subset in
            var candidate = fromRaw
            for s in subset { candidate[s] = current[s] }
            return store.matchesEntry(day: day, raws: candidate)
        }) {
            var candidate = fromRaw
            for s in kept { candidate[s] = current[s] }
            try store.replaceDailyRow(day, raws: candidate)
            outcome.actions.append("day \(day): restored from raw/ (verified by the row's checksum)")
            return
        }
        var unverified = 0
        var setAsideWithoutRaw = 0
        for s in 0 ..< n where current[s] != 0 && current[s] != fromRaw[s] {
            salvage.day(day, store.series[s], raw: current[s])
            unverified += 1
            if fromRaw[s] == 0 { setAsideWithoutRaw += 1 }
        }
        // Values the row's checksum records that neither raw/ nor the row itself
        // still holds (a zeroed page leaves nothing to compare with raw/).
        // With the row's entry still readable, what raw/ gives does not match its checksum
        // here: raw/ lacks part of what the row held (hours of the day, or values).
        let missing = store.valuesMissing(day: day, raws: fromRaw)
        let gone = max(0, (missing ?? 0) - setAsideWithoutRaw)
        try store.replaceDailyRow(day, raws: fromRaw)
        if unverified == 0 && missing == nil {
            outcome.actions.append("day \(day): restored from raw/ (every value the row held agrees with raw/)")
        } else {
            outcome.losses.append("day \(day): damaged; \(fromRaw.filter { $0 != 0 }.count) daily value(s) taken from raw/"
                + (unverified > 0 ? ", \(unverified) value(s) raw/ cannot vouch for set aside in salvage/" : "")
                + (gone > 0 ? ", \(gone) value(s) the row's checksum records are in neither raw/ nor the damaged row: lost"
                            : missing != nil ? "; they do not match the row's checksum: raw/ lacks part of what the row held (hours of the day or values)" : ""))
        }
    }

    /// A ring that does not open as a whole. When only the daily ring is
    /// affected, the intact hourly ring is kept: a new daily ring is made from
    /// its hours, from the old daily ring's rows that still verify, and from
    /// raw/. When the hourly ring is affected, both are rebuilt from raw/,
    /// keeping the old daily ring's verified rows that raw/ lacks.
    private func rebuildUnopenable(_ files: [String], lock: StoreLock, outcome: inout Outcome,
                                   progress: ((String) -> Void)?) throws {
        let names = files.map { ($0 as NSString).lastPathComponent }
        let configuration = StoreConfiguration.recorded(in: directory) ?? .standard
        let rebuild = StoreRebuild(directory: directory, registry: registry, configuration: configuration)
        if !names.contains(Store.hourlyFileName) {
            try refillDailyRing(configuration, rebuild: rebuild, lock: lock, outcome: &outcome, progress: progress)
            return
        }
        let oldSeries = DailyRingSnapshot.series(ofHourlyRingIn: directory)
        let oldDaily = DailyRingSnapshot(directory: directory, series: oldSeries)
        guard !rebuild.payloads.isEmpty else {
            outcome.losses.append("\(files.joined(separator: ", ")): cannot be opened and raw/ holds nothing to rebuild from; nothing was changed — restore the file(s) from a backup")
            return
        }
        let scratchDirectory = directory + "/repair.tmp"
        defer { try? FileManager.default.removeItem(atPath: scratchDirectory) }
        progress?("repair: rebuilding from \(rebuild.payloads.count) raw payload(s)")
        let built = try rebuild.build(at: scratchDirectory, progress: progress)
        outcome.actions.append("rebuilt the rings from \(built.payloads) raw payload(s): \(built.summary.stored) hourly values")
        if built.unusable > 0 {
            outcome.losses.append("\(built.unusable) raw payload(s) could not be read (damaged) and were skipped; what only they held is not restored")
        }
        do {
            let scratch = try Store(directory: scratchDirectory, access: .readWrite)
            // A series table that fails its checksum names series only where raw/ confirms them:
            // a damaged station code must not become a series of its own.
            var keys = oldSeries
            if !DailyRingSnapshot.tableVerifies(ofHourlyRingIn: directory) {
                keys = DailyRingSnapshot.corroborated(oldSeries, by: scratch)
                let doubtful = zip(oldSeries, keys).filter { $0.0 != nil && $0.1 == nil }.count + oldSeries.filter { $0 == nil }.count
                outcome.actions.append("the old series table fails its checksum: \(keys.count - doubtful) of its \(oldSeries.count) entries are confirmed by raw/"
                    + (doubtful == 0 ? "" : "; the old daily ring's values of the other \(doubtful) are not carried over (a day for which raw/ holds fewer values than that ring did is reported as not restored)"))
            }
            let (kept, lost, standing) = try oldDaily.merge(into: scratch, keys: keys)
            if kept > 0 { outcome.actions.append("kept \(kept) daily value(s) of the old daily ring (verified row by row) that raw/ does not hold, or holds fewer hours of") }
            if !lost.isEmpty {
                outcome.losses.append("daily values of \(lost.count) day(s) (\(Self.describe(lost))) are in neither raw/ nor a verifiable row of the old daily ring")
            }
            outcome.losses += Self.unreadable(oldDaily, now: scratch)
            // Hours the old rings show were there (a verified daily value) but raw/ does not hold.
            let hoursLost = oldDaily.rows.keys.filter { day in
                guard let window = scratch.hourlyWindow, window.contains(scratch.calendar.firstHour(of: day)) else { return false }
                return !scratch.calendar.hours(of: day).contains { hour in
                    guard let row = scratch.row(at: hour) else { return false }
                    return (0 ..< row.count).contains { row[$0] != nil }
                }
            }
            if !hoursLost.isEmpty {
                outcome.losses.append("hourly values of \(hoursLost.count) day(s) (\(Self.describe(Set(hoursLost)))) are lost: the hourly ring could not be opened and raw/ does not hold them; their daily values are kept")
            }
            let partly = standing.subtracting(hoursLost)
            if !partly.isEmpty {
                outcome.losses.append("hourly values of \(partly.count) day(s) (\(partly.sorted().map(\.description).joined(separator: ", "))) are lost in part: raw/ holds only some of their hours; the daily values the old ring made of all of them are kept and marked as standing without their hours (`haze check` notes them; ingesting those days' files again restores the hours)")
            }
        }
        for name in [Store.dailyFileName, Store.hourlyFileName] {
            try AtomicFile.rename(scratchDirectory + "/" + name, to: directory + "/" + name)
        }
    }

    /// The daily ring alone does not open: a new one from the intact hours,
    /// the old ring's verified rows, and raw/ for what neither holds.
    private func refillDailyRing(_ configuration: StoreConfiguration, rebuild: StoreRebuild, lock: StoreLock,
                                 outcome: inout Outcome, progress: ((String) -> Void)?) throws {
        let oldDaily = DailyRingSnapshot(directory: directory, series: DailyRingSnapshot.series(ofHourlyRingIn: directory))
        let dailyPath = directory + "/" + Store.dailyFileName
        let hourly = try HourlyRing(opening: directory + "/" + Store.hourlyFileName, writable: false)
        let temporary = AtomicFile.temporaryPath(for: dailyPath)
        let fresh = try DailyRing(creating: temporary, capacity: configuration.dailyCapacity,
                                  seriesCapacity: hourly.geometry.seriesCapacity,
                                  calendar: DayCalendar(zone: configuration.zone, convention: configuration.dayConvention),
                                  hourlyCapacity: configuration.hourlyCapacity)
        try fresh.file.syncAll()
        try AtomicFile.rename(temporary, to: dailyPath)
        let store = try Store(directory: directory, access: .readWrite, recovering: false, holding: lock)
        let days = try store.refillDailyFromHours()
        outcome.actions.append("made a new daily ring: \(days.count) day(s) recomputed from the hours")
        var (kept, lost, _) = try oldDaily.merge(into: store)
        if kept > 0 { outcome.actions.append("kept \(kept) daily value(s) of the old daily ring (verified row by row)") }
        // What neither the hours nor the old ring vouch for, from raw/: every day
        // of the new ring without data, and the days known to be lost.
        if let window = store.dailyWindow, !rebuild.payloads.isEmpty {
            for day in window where !(0 ..< store.series.count).contains(where: { store.dailyRaw($0, on: day) != 0 }) {
                lost.insert(day)
            }
        }
        if !lost.isEmpty, !rebuild.payloads.isEmpty {
            let scratchDirectory = directory + "/repair.tmp"
            defer { try? FileManager.default.removeItem(atPath: scratchDirectory) }
            progress?("repair: rebuilding a scratch store from \(rebuild.payloads.count) raw payload(s)")
            _ = try rebuild.build(at: scratchDirectory, progress: progress)
            let scratch = try Store(directory: scratchDirectory, access: .readOnly)
            for day in lost.sorted() where store.dailyWindow?.contains(day) == true {
                var raws = (0 ..< store.series.count).map { store.dailyRaw($0, on: day) }
                for s in 0 ..< store.series.count where raws[s] == 0 {
                    if let index = scratch.index(of: store.series[s]) { raws[s] = scratch.dailyRaw(index, on: day) }
                }
                if raws.contains(where: { $0 != 0 }) {
                    try store.replaceDailyRow(day, raws: raws)
                    outcome.actions.append("day \(day): daily values taken from raw/")
                    // Where the old row is unreadable and raw/ holds part of the day
                    // (no station has all its hours), the old row may have held more.
                    let mostHours = raws.map(DailyRing.validHours).max() ?? 0
                    if !oldDaily.rows.keys.contains(day), mostHours < store.calendar.hours(of: day).count {
                        outcome.losses.append("day \(day): the old daily row could not be read; its values are taken from raw/, which holds at most \(mostHours) of the day's hours for any station: whatever the old row held beyond them is lost")
                    }
                }
                // Only what the old ring is known to have held and nothing now holds is lost.
                if raws.contains(where: { $0 != 0 }) || !oldDaily.damagedDays.contains(day) { lost.remove(day) }
            }
            lost = lost.filter { oldDaily.damagedDays.contains($0) }
            try store.syncRings()
        }
        if !lost.isEmpty {
            outcome.losses.append("daily values of \(lost.count) day(s) (\(Self.describe(lost))) are in neither the hours, a verifiable row of the old daily ring, nor raw/")
        }
        outcome.losses += Self.unreadable(oldDaily, now: store)
        try store.recover()
    }

    /// The old daily rows that could not be read, for days the repaired store
    /// holds nothing for: whether they held values is unknown, so said.
    static func unreadable(_ old: DailyRingSnapshot, now store: Store) -> [String] {
        var lines: [String] = []
        let empty = old.unreadableDays.filter { day in
            !(0 ..< store.series.count).contains { store.dailyRaw($0, on: day) != 0 }
        }
        if !empty.isEmpty {
            lines.append("the old daily ring's rows for \(empty.count) day(s) (\(describe(Set(empty)))) could not be read and neither the hours nor raw/ hold those days: any values they held are lost")
        }
        if old.unreadableRows > 0 {
            lines.append("\(old.unreadableRows) row(s) of the old daily ring could not be read and their days are unknown; any values they held are restored only where the hours or raw/ hold them")
        }
        return lines
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
