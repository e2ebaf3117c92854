#if canImport(Glibc)
import Glibc
#endif
import HazeModel

/// The low-level operations `haze check --repair` is made of. Each keeps the
/// row directory exact; none is used by ordinary writes.
extension Store {
    /// Rewrites both header copies of both rings from the copy in use.
    package func rewriteHeaders() throws(StoreError) {
        try requireWriter()
        for ring in [hourly.ring as AnyHeaderRing, daily.ring as AnyHeaderRing] {
            ring.rewriteHeader()
            try ring.syncHeaderRegion()
        }
    }

    /// True when the last writer stopped in the middle of a write.
    package var writeWasInterrupted: Bool { sequence?.interrupted != nil }

    /// Sets a ring's cleared-through step to its newest when rows after it
    /// hold data of their own steps (the field was damaged; clearing would
    /// destroy them). Returns the files corrected.
    package func clearedThroughFromRows() throws(StoreError) -> [String] {
        try requireWriter()
        var fixed: [String] = []
        let interrupted = sequence?.interrupted != nil
        if let cleared = hourly.ring.clearedThrough, let newest = hourly.newest, cleared < newest,
           !interrupted || !hourly.ring.rowsAheadOfCleared().isEmpty {
            hourly.ring.updateHeader { $0.cleared = $0.newest }
            try hourly.ring.syncHeader()
            fixed.append(hourlyPath)
        }
        if let cleared = daily.ring.clearedThrough, let newest = daily.ring.newest, cleared < newest,
           !interrupted || !daily.ring.rowsAheadOfCleared().isEmpty {
            daily.ring.updateHeader { $0.cleared = $0.newest }
            try daily.ring.syncHeader()
            fixed.append(dailyPath)
        }
        return fixed
    }

    /// When the header's newest step disagrees with the rows — rows tagged
    /// for later steps exist, or the newest step's own row is intact but holds
    /// another step (every write writes its newest step) — takes the rows'
    /// word for it. A damaged newest row proves nothing and changes nothing.
    /// The daily ring's newest day follows the hourly ring's newest hour (they
    /// move together). Returns one line per ring corrected.
    package func newestFromRows() throws(StoreError) -> [String] {
        try requireWriter()
        var fixed: [String] = []
        func derive<Step: RingStep>(_ ring: RingFile<Step>) -> Step? {
            var best: Step?
            for row in 0 ..< ring.geometry.capacity {
                guard let entry = RowEntry.read(ring.file, at: ring.geometry.directoryOffset + row * RingGeometry.entryBytes),
                      let step = entry.step, ring.geometry.row(step) == row else { continue }
                let candidate = Step(step)
                guard ring.verify(candidate, pollutantCodes: pollutantCodes) == .intact else { continue }
                if best.map({ candidate > $0 }) ?? true { best = candidate }
            }
            return best
        }
        func contradicted<Step: RingStep>(_ ring: RingFile<Step>, derived: Step) -> Bool {
            guard let newest = ring.newest else { return true }
            if derived > newest { return true }
            guard let entry = ring.entry(newest) else { return false }
            return entry.tag != UInt64(bitPattern: Int64(newest.index)) &+ 1
        }
        if let derived = derive(hourly.ring), derived != hourly.newest,
           contradicted(hourly.ring, derived: derived) {
            let old = hourly.newest.map { zone.format($0) } ?? "none"
            hourly.ring.updateHeader { $0.newest = Int64(derived.index); $0.cleared = Int64(derived.index) }
            try hourly.ring.syncHeader()
            fixed.append("\(hourlyPath): newest hour \(old) → \(zone.format(derived))")
        }
        if let newestHour = hourly.newest {
            let day = calendar.day(of: newestHour)
            if daily.ring.newest != day {
                let old = daily.ring.newest.map(\.description) ?? "none"
                daily.ring.updateHeader { $0.newest = Int64(day.index); $0.cleared = Int64(day.index) }
                try daily.ring.syncHeader()
                fixed.append("\(dailyPath): newest day \(old) → \(day) (the hourly ring's newest day)")
            }
        }
        return fixed
    }

    /// Fills an empty (new) daily ring from the hours: moves its window to
    /// the hourly ring's newest day and rolls up every whole day the hourly
    /// window holds. Returns those days.
    package func refillDailyFromHours() throws(StoreError) -> [Day] {
        try requireWriter()
        guard let newest = hourly.newest, let accept = oldestWritableHour else { return [] }
        daily.ring.moveWindow(to: calendar.day(of: newest))
        let days = Array(calendar.day(of: accept) ... calendar.day(of: newest))
        for day in days { try rollUp(day) }
        try daily.ring.file.syncAll()
        return days
    }

    /// Cuts bytes appended beyond a ring's layout (the content is untouched).
    /// Returns the files cut and by how much.
    package func cutExcessBytes() throws(StoreError) -> [(path: String, bytes: Int)] {
        try requireWriter()
        var cut: [(String, Int)] = []
        for (excess, path, length) in [(hourly.ring.excessBytes, hourlyPath, hourly.geometry.fileLength),
                                       (daily.ring.excessBytes, dailyPath, daily.geometry.fileLength)] where excess > 0 {
            guard truncate(path, off_t(length)) == 0 else { throw .system(path: path, operation: "cut appended bytes", errno: errno) }
            cut.append((path, excess))
        }
        return cut
    }

    /// The raw hourly slot as stored, damaged or not (0 outside the window).
    package func hourlyRaw(_ series: Int, at hour: Hour) -> UInt16 {
        guard series >= 0, series < hourly.geometry.seriesCapacity, let window = hourly.presentHours, window.contains(hour) else { return 0 }
        return hourly.raw(hour, series)
    }

    /// The raw daily slot as stored, damaged or not (0 outside the window).
    package func dailyRaw(_ series: Int, on day: Day) -> UInt64 {
        guard series >= 0, series < daily.geometry.seriesCapacity, let window = daily.presentDays, window.contains(day) else { return 0 }
        return daily.raw(day, series)
    }

    /// Whether an hourly row verifies (nil outside the window).
    package func verifyHour(_ hour: Hour) -> RowVerdict? {
        guard let window = hourly.presentHours, window.contains(hour) else { return nil }
        return hourly.ring.verify(hour, pollutantCodes: pollutantCodes)
    }

    /// Whether a daily row verifies (nil outside the window).
    package func verifyDay(_ day: Day) -> RowVerdict? {
        guard let window = daily.presentDays, window.contains(day) else { return nil }
        return daily.ring.verify(day, pollutantCodes: pollutantCodes)
    }

    /// Replaces a whole hourly row (raw slots, `value + 1`, 0 = missing) and
    /// writes a fresh directory entry for it.
    package func replaceHourlyRow(_ hour: Hour, raws: [UInt16]) throws(StoreError) {
        try requireWriter()
        guard let window = hourly.presentHours, window.contains(hour) else { return }
        var edit = RowEdit(step: hour.index, entry: .empty)
        for s in 0 ..< hourly.geometry.seriesCapacity {
            let new = s < raws.count ? raws[s] : 0
            hourly.setRaw(hour, s, new)
            if new != 0 { edit.change(series: s, code: s < pollutantCodes.count ? pollutantCodes[s] : 0, from: 0, to: UInt64(new)) }
        }
        hourly.ring.commit(edit)
        verifiedHours.remove(hour.index)
    }

    /// Replaces a whole daily row (packed slots) and writes a fresh entry.
    package func replaceDailyRow(_ day: Day, raws: [UInt64]) throws(StoreError) {
        try requireWriter()
        guard let window = daily.presentDays, window.contains(day) else { return }
        var edit = RowEdit(step: day.index, entry: .empty)
        for s in 0 ..< daily.geometry.seriesCapacity {
            let new = s < raws.count ? raws[s] : 0
            daily.setRaw(day, s, new)
            if new != 0 { edit.change(series: s, code: s < pollutantCodes.count ? pollutantCodes[s] : 0, from: 0, to: new) }
        }
        daily.ring.commit(edit)
        verifiedDaysReset(day)
    }

    /// Recomputes the daily rows of `days` from the hours (each must lie
    /// wholly inside the hourly window, its hours intact).
    package func recomputeDays(_ days: [Day]) throws(StoreError) {
        try requireWriter()
        let accept = oldestWritableHour.map { calendar.day(of: $0) }
        for day in days.sorted() where accept.map({ day >= $0 }) ?? false {
            try rollUp(day)
        }
    }

    /// Finds the one slot whose single flipped bit explains a row's checksum
    /// mismatch, when the row's entry is intact: the fix is then certain
    /// (a wrong guess matches a 64-bit checksum with probability ~2⁻⁶⁴).
    package func singleBitFix(hour: Hour) -> (series: Int, raw: UInt16)? {
        guard let entry = hourly.ring.entry(hour), !entry.isEmpty else { return nil }
        let n = hourly.geometry.seriesCapacity
        var current: UInt64 = 0
        var raws = [UInt64](repeating: 0, count: n)
        for s in 0 ..< n {
            raws[s] = UInt64(hourly.raw(hour, s))
            current &+= RowHash.slot(raws[s], series: s, step: hour.index)
        }
        let missing = entry.hash &- current
        guard missing != 0 else { return nil }
        var found: (Int, UInt16)?
        for s in 0 ..< n {
            let old = RowHash.slot(raws[s], series: s, step: hour.index)
            for bit in 0 ..< 16 {
                let candidate = raws[s] ^ (1 << UInt64(bit))
                guard candidate <= HourlyRing.maximumRaw,
                      RowHash.slot(candidate, series: s, step: hour.index) &- old == missing else { continue }
                if found != nil { return nil }
                found = (s, UInt16(candidate))
            }
        }
        guard let (series, raw) = found else { return nil }
        // The counts must agree too.
        var fixed = raws.map { UInt16($0) }
        fixed[series] = raw
        return countsMatch(entry, fixed.map(UInt64.init)) ? (series, raw) : nil
    }

    /// As `singleBitFix(hour:)`, for a daily row.
    package func singleBitFix(day: Day) -> (series: Int, raw: UInt64)? {
        guard let entry = daily.ring.entry(day), !entry.isEmpty else { return nil }
        let n = daily.geometry.seriesCapacity
        var current: UInt64 = 0
        var raws = [UInt64](repeating: 0, count: n)
        for s in 0 ..< n {
            raws[s] = daily.raw(day, s)
            current &+= RowHash.slot(raws[s], series: s, step: day.index)
        }
        let missing = entry.hash &- current
        guard missing != 0 else { return nil }
        var found: (Int, UInt64)?
        for s in 0 ..< n {
            let old = RowHash.slot(raws[s], series: s, step: day.index)
            for bit in 0 ..< 64 {
                let candidate = raws[s] ^ (1 << UInt64(bit))
                guard DailyRing.isValidRaw(candidate, code: s < pollutantCodes.count ? pollutantCodes[s] : 0),
                      RowHash.slot(candidate, series: s, step: day.index) &- old == missing else { continue }
                if found != nil { return nil }
                found = (s, candidate)
            }
        }
        guard let (series, raw) = found else { return nil }
        var fixed = raws
        fixed[series] = raw
        return countsMatch(entry, fixed) ? (series, raw) : nil
    }

    /// Whether a candidate row (raw slots) matches an entry's checksum and counts.
    package func matchesEntry(hour: Hour, raws: [UInt64]) -> Bool {
        guard let entry = hourly.ring.entry(hour) else { return false }
        return Self.matches(entry, raws, step: hour.index, codes: pollutantCodes)
    }

    package func matchesEntry(day: Day, raws: [UInt64]) -> Bool {
        guard let entry = daily.ring.entry(day) else { return false }
        return Self.matches(entry, raws, step: day.index, codes: pollutantCodes)
    }

    /// How many more values the row's own directory entry records (per
    /// pollutant code) than `raws` holds: values a repair could not give back
    /// even when none of them can be read any more (a zeroed page). Nil when
    /// the entry is unreadable or belongs to another step.
    package func valuesMissing(hour: Hour, raws: [UInt64]) -> Int? {
        shortfall(hourly.ring.entry(hour), raws, step: hour.index)
    }

    package func valuesMissing(day: Day, raws: [UInt64]) -> Int? {
        shortfall(daily.ring.entry(day), raws, step: day.index)
    }

    private func shortfall(_ entry: RowEntry?, _ raws: [UInt64], step: Int) -> Int? {
        guard let entry, entry.step == step else { return nil }
        var counts = [Int](repeating: 0, count: RowEntry.pollutantCodes)
        for (s, raw) in raws.enumerated() where raw != 0 && s < pollutantCodes.count {
            let index = Int(pollutantCodes[s]) - 1
            if index >= 0 && index < counts.count { counts[index] += 1 }
        }
        return zip(entry.counts, counts).reduce(0) { $0 + max(0, Int($1.0) - $1.1) }
    }

    private static func matches(_ entry: RowEntry, _ raws: [UInt64], step: Int, codes: [UInt8]) -> Bool {
        var edit = RowEdit(step: step, entry: .empty)
        for (s, raw) in raws.enumerated() where raw != 0 {
            edit.change(series: s, code: s < codes.count ? codes[s] : 0, from: 0, to: raw)
        }
        return entry.isEmpty ? edit.entry.filled == 0 : edit.entry == entry
    }

    private func countsMatch(_ entry: RowEntry, _ raws: [UInt64]) -> Bool {
        var counts = [UInt32](repeating: 0, count: RowEntry.pollutantCodes)
        for (s, raw) in raws.enumerated() where raw != 0 && s < pollutantCodes.count {
            let index = Int(pollutantCodes[s]) - 1
            if index >= 0 && index < counts.count { counts[index] += 1 }
        }
        return counts == entry.counts
    }

    /// Syncs both rings' rows and directories (after repairs).
    package func syncRings() throws(StoreError) {
        try hourly.ring.syncBody()
        try daily.ring.syncBody()
    }

    private func requireWriter() throws(StoreError) {
        guard access == .readWrite else { throw .readOnly(directory: directory) }
    }
}

extension StoreConfiguration {
    /// The shape of the store in `directory` as its rings record it: from the
    /// hourly ring's header when it opens (it is the authority: days are made
    /// from hours), else from the daily ring's; nil when neither opens.
    package static func recorded(in directory: String) -> StoreConfiguration? {
        if let hourly = try? HourlyRing(opening: directory + "/" + Store.hourlyFileName, writable: false) {
            let header = hourly.ring.header
            return StoreConfiguration(hourlyCapacity: header.capacity, dailyCapacity: header.companionCapacity,
                                      zone: header.zone, dayConvention: header.dayConvention)
        }
        if let daily = try? DailyRing(opening: directory + "/" + Store.dailyFileName, writable: false) {
            let header = daily.ring.header
            return StoreConfiguration(hourlyCapacity: header.companionCapacity, dailyCapacity: header.capacity,
                                      zone: header.zone, dayConvention: header.dayConvention)
        }
        return nil
    }
}

/// The header operations repair needs from either ring.
protocol AnyHeaderRing {
    func rewriteHeader()
    func syncHeaderRegion() throws(StoreError)
}

extension RingFile: AnyHeaderRing {
    func rewriteHeader() { updateHeader { _ in } }
    func syncHeaderRegion() throws(StoreError) { try syncHeader() }
}
