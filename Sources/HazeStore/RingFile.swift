import HazeModel

/// A time step a ring is indexed by: an `Hour` or a `Day`.
package protocol RingStep: Strideable, Hashable, Sendable where Stride == Int {
    /// The values a slot of a ring of this step may hold (an hourly or a daily value).
    associatedtype Slots: SlotRule
    init(_ index: Int)
    var index: Int { get }
}

extension Hour: RingStep { package typealias Slots = HourlyRing }
extension Day: RingStep { package typealias Slots = DailyRing }

/// What the hourly and daily rings share: a memory-mapped file with a
/// checksummed header (see `RingHeader`), a row directory with a checksum per
/// row (see `RowEntry`, `RowHash`), and a row of fixed-width slots per time
/// step, step `t` in row `t mod capacity`.
///
/// Every change of a slot goes through a `RowEdit`, which keeps the row's
/// checksum and counts exact in O(1); nothing writes slots behind its back.
package final class RingFile<Step: RingStep> {
    package let file: MappedFile
    package private(set) var header: RingHeader
    package let geometry: RingGeometry
    /// For the header's check: a copy was damaged or stale when the file was opened.
    package let headerTrouble: String?
    /// Bytes beyond the end the layout gives (something appended to the file).
    package var excessBytes: Int { file.length - geometry.fileLength }

    package var path: String { file.path }
    package var zone: LocalZone { header.zone }
    package var calendar: DayCalendar { DayCalendar(zone: header.zone, convention: header.dayConvention) }

    /// Creates a file with an empty ring.
    package init(creating path: String, header initial: RingHeader) throws(StoreError) {
        let file = try MappedFile(creating: path, length: initial.geometry.fileLength)
        initial.write(to: file)
        self.file = file
        self.header = initial
        self.geometry = header.geometry
        self.headerTrouble = nil
    }

    /// Opens and validates an existing file.
    package init(opening path: String, writable: Bool, magic: [UInt8], slotBytes: Int,
                 layout: @escaping (RingHeader) -> RingGeometry) throws(StoreError) {
        let file = try MappedFile(openingExisting: path, writable: writable)
        let (header, trouble) = try RingHeader.read(file, magic: magic, slotBytes: slotBytes, layout: layout)
        self.file = file
        self.header = header
        self.geometry = header.geometry
        self.headerTrouble = trouble
    }

    // MARK: Header

    /// Changes header fields and writes both copies (not synced).
    package func updateHeader(_ change: (inout RingHeader) -> Void) {
        change(&header)
        header.write(to: file)
    }

    package func syncHeader() throws(StoreError) { try file.sync(0 ..< RingHeader.regionSize) }

    /// Syncs the series table, the row directory and the rows.
    package func syncBody() throws(StoreError) { try file.sync(RingHeader.regionSize ..< geometry.fileLength) }

    // MARK: Window

    package var newest: Step? { header.newest == emptyStep ? nil : Step(Int(header.newest)) }
    package var clearedThrough: Step? { header.cleared == emptyStep ? nil : Step(Int(header.cleared)) }

    /// The steps whose rows hold data: `(newest - capacity, newest]`, minus
    /// any rows a crash left uncleared.
    package var presentSteps: ClosedRange<Step>? {
        guard let newest, let cleared = clearedThrough else { return nil }
        let top = min(newest, cleared)
        let bottom = newest.advanced(by: -geometry.capacity + 1)
        return bottom <= top ? bottom ... top : nil
    }

    /// Moves the window forward to `newest`: the header's newest step first,
    /// then the reused rows are cleared, then the clear is recorded. A kill
    /// between the steps leaves `cleared < newest`, which readers respect and
    /// `completeInterruptedMove` finishes. Nothing is synced here: the
    /// writer's journal has recorded the move (old and new newest step)
    /// before, which is what a writer after a power loss goes by.
    package func moveWindow(to newest: Step) {
        guard let old = self.newest else {
            updateHeader { $0.newest = Int64(newest.index); $0.cleared = Int64(newest.index) }
            return
        }
        guard newest > old else { return }
        updateHeader { $0.newest = Int64(newest.index) }
        clearRows(old.advanced(by: 1) ... newest)
        updateHeader { $0.cleared = Int64(newest.index) }
    }

    /// Rows after the cleared-through step that hold data of their own step:
    /// impossible after an interrupted move (writes come after the move), so
    /// the header's cleared-through step is damaged. Empty when consistent.
    package func rowsAheadOfCleared() -> [Step] {
        guard let newest, let cleared = clearedThrough, cleared < newest else { return [] }
        let first = max(cleared.advanced(by: 1), newest.advanced(by: -geometry.capacity + 1))
        return (first ... newest).filter { step in
            guard let entry = entry(step) else { return false }
            return entry.tag == UInt64(bitPattern: Int64(step.index)) &+ 1
        }
    }

    /// Finishes a `moveWindow` a killed writer left half done — unless rows
    /// it would clear hold data of their own steps (a damaged header, not an
    /// interrupted move: clearing would destroy them).
    package func completeInterruptedMove(writeWasInterrupted: Bool) throws(StoreError) {
        guard let newest, let cleared = clearedThrough, cleared < newest else { return }
        let ahead = rowsAheadOfCleared()
        guard writeWasInterrupted else {
            throw .corrupt(path: path, detail: "header: the cleared-through step \(cleared.index) is behind the newest step \(newest.index) but no write was interrupted; not clearing anything")
        }
        guard ahead.isEmpty else {
            throw .corrupt(path: path, detail: "header: the cleared-through step \(cleared.index) is behind \(ahead.count) row(s) holding data; not clearing them")
        }
        clearRows(cleared.advanced(by: 1) ... newest)
        try syncBody()
        updateHeader { $0.cleared = Int64(newest.index) }
        try syncHeader()
    }

    // MARK: Rows and slots

    /// The raw slot (0 = empty) of `series` at `step`; the caller checks the window and series.
    @inline(__always) package func raw(_ step: Step, _ series: Int) -> UInt64 {
        let offset = geometry.offset(step: step.index, series: series)
        return geometry.slotBytes == 2 ? UInt64(file.u16(offset)) : file.u64(offset)
    }

    @inline(__always) package func setRaw(_ step: Step, _ series: Int, _ value: UInt64) {
        let offset = geometry.offset(step: step.index, series: series)
        if geometry.slotBytes == 2 { file.setU16(offset, UInt16(truncatingIfNeeded: value)) } else { file.setU64(offset, value) }
    }

    /// The directory entry of a step's row; nil when the entry is damaged.
    package func entry(_ step: Step) -> RowEntry? { RowEntry.read(file, at: geometry.entryOffset(step.index)) }

    package func setEntry(_ entry: RowEntry, _ step: Step) { entry.write(to: file, at: geometry.entryOffset(step.index)) }

    /// Opens a row for changes. Refuses a row whose directory entry is
    /// damaged or belongs to another step: writing into it would hide the damage.
    package func edit(_ step: Step) throws(StoreError) -> RowEdit {
        guard let entry = entry(step) else {
            throw .corrupt(path: path, detail: "the row directory entry of step \(step.index) is damaged; run `haze check --repair`")
        }
        guard entry.isEmpty || entry.tag == UInt64(bitPattern: Int64(step.index)) &+ 1 else {
            throw .corrupt(path: path, detail: "row \(geometry.row(step.index)) holds step \(entry.step.map(String.init) ?? "?"), not \(step.index); run `haze check --repair`")
        }
        return RowEdit(step: step.index, entry: entry)
    }

    /// Writes a row edit's entry back.
    package func commit(_ edit: RowEdit) {
        var entry = edit.entry
        if entry.filled == 0 && entry.hash == 0 { entry = .empty }
        entry.write(to: file, at: geometry.entryOffset(edit.step))
    }

    /// Sets the rows of `steps` (at most one full turn) and their entries to empty.
    package func clearRows(_ steps: ClosedRange<Step>) {
        let count = min(steps.lowerBound.distance(to: steps.upperBound) + 1, geometry.capacity)
        for i in 0 ..< count {
            let step = steps.lowerBound.advanced(by: i)
            let start = geometry.rowOffset(step.index)
            file.zero(start ..< start + geometry.rowBytes)
            setEntry(.empty, step)
        }
    }

    /// Recomputes a row's entry from its slots: for rows a killed writer of
    /// this store left mid-edit (the slots are what it wrote), never for damage.
    package func rehash(_ step: Step, pollutantCodes: [UInt8]) {
        var edit = RowEdit(step: step.index, entry: .empty)
        for series in 0 ..< min(geometry.seriesCapacity, pollutantCodes.count) {
            let value = raw(step, series)
            if value != 0 { edit.change(series: series, code: pollutantCodes[series], from: 0, to: value) }
        }
        if edit.entry.filled == 0 { edit.entry = .empty }
        setEntry(edit.entry, step)
    }

    /// Checks a row against its entry: the checksum, the counts, the tag, and
    /// that every slot is a value the ring can hold (`Step.Slots`: an hourly
    /// ring's rule for hours, a daily ring's for days; a slot beyond the series
    /// table has code 0). The rule is a type, so its check is compiled into the
    /// loop (a function value was a call per slot) and cannot be the other ring's.
    @inline(__always)
    package func verify(_ step: Step, pollutantCodes: [UInt8]) -> RowVerdict {
        guard let entry = entry(step) else { return .damaged("its row directory entry fails its check") }
        // What `RowEdit.change(from: 0, to:)` of every filled slot would make, in one pass over
        // the row through one pointer (a province's daily row holds 150 000 slots).
        var hash: UInt64 = 0
        var counts = [UInt32](repeating: 0, count: RowEntry.pollutantCodes)
        var bad = 0
        let row = file.buffer(geometry.rowOffset(step.index), geometry.rowBytes)
        let slots = geometry.seriesCapacity
        // Everything the loop needs in locals: the slot rule's maximum, the step's
        // term of the mix, the series' term kept by addition (`RowHash.seriesTerm`).
        let maximum = UInt64(HourlyRing.maximumValue)
        let stepTerm = RowHash.stepTerm(step.index), stride = RowHash.seriesStride
        pollutantCodes.withUnsafeBufferPointer { codes in
            counts.withUnsafeMutableBufferPointer { counts in
                // One loop per slot width, each with its load compiled in.
                @inline(__always) func scan(_ load: (Int) -> UInt64) {
                    var sum: UInt64 = 0, invalid = 0
                    var seriesTerm: UInt64 = 0
                    let coded = min(slots, codes.count)
                    for series in 0 ..< coded {
                        let value = load(series)
                        if value != 0 {
                            let code = codes[series]
                            if !Step.Slots.isValidRaw(value, code: code, maximum: maximum) { invalid &+= 1 }
                            sum &+= RowHash.mix(value, seriesTerm: seriesTerm, stepTerm: stepTerm)
                            let index = Int(code) &- 1
                            if index >= 0 && index < RowEntry.pollutantCodes { counts[index] &+= 1 }
                        }
                        seriesTerm &+= stride
                    }
                    // Slots beyond the series table (code 0: counted in no pollutant).
                    for series in coded ..< max(coded, slots) {
                        let value = load(series)
                        if value != 0 {
                            if !Step.Slots.isValidRaw(value, code: 0, maximum: maximum) { invalid &+= 1 }
                            sum &+= RowHash.mix(value, seriesTerm: seriesTerm, stepTerm: stepTerm)
                        }
                        seriesTerm &+= stride
                    }
                    hash = sum
                    bad = invalid
                }
                if geometry.slotBytes == 8 {
                    scan { UInt64(littleEndian: row.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
                } else {
                    scan { UInt64(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
                }
            }
        }
        if bad > 0 { return .damaged("\(bad) slot(s) hold values no reading can have") }
        if entry.isEmpty {
            return counts.allSatisfy({ $0 == 0 }) ? .empty : .damaged("the row holds values but its entry says it is empty")
        }
        guard entry.tag == UInt64(bitPattern: Int64(step.index)) &+ 1 else {
            return .damaged("the row is tagged for step \(entry.step.map(String.init) ?? "?"), not \(step.index)")
        }
        guard entry.hash == hash, entry.counts == counts else {
            return .damaged("its checksum does not match its values")
        }
        return .intact
    }

    /// Copies every row and directory entry into `target` (a wider ring of
    /// the same capacity, just created: all zero): checksums hold because
    /// empty slots add nothing. What is all zero is not copied — it is
    /// zero there already — so a new store's first widening does not touch
    /// (fault in and dirty) a page of the new file per row.
    package func copyRows(into target: RingFile<Step>, slots: Int) {
        let bytes = min(slots, geometry.seriesCapacity) * geometry.slotBytes
        for row in 0 ..< geometry.capacity {
            let from = geometry.dataOffset + row * geometry.rowBytes
            guard !Self.isZero(file.buffer(from, bytes)) else { continue }
            target.file.copy(from: file, at: from, to: target.geometry.dataOffset + row * target.geometry.rowBytes, count: bytes)
        }
        // The directory a page at a time.
        let directoryBytes = geometry.capacity * RingGeometry.entryBytes
        var offset = 0
        while offset < directoryBytes {
            let count = min(RingGeometry.pageSize, directoryBytes - offset)
            if !Self.isZero(file.buffer(geometry.directoryOffset + offset, count)) {
                target.file.copy(from: file, at: geometry.directoryOffset + offset,
                                 to: target.geometry.directoryOffset + offset, count: count)
            }
            offset += count
        }
        target.updateHeader { $0.newest = header.newest; $0.cleared = header.cleared }
    }

    /// True when every byte is zero.
    package static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var any: UInt64 = 0
        let words = bytes.count / 8
        for w in 0 ..< words { any |= bytes.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self) }
        for b in 8 * words ..< bytes.count { any |= UInt64(bytes[b]) }
        return any == 0
    }
}

/// Changes to one row in progress: its entry kept exact as slots change.
package struct RowEdit {
    package let step: Int
    package var entry: RowEntry

    /// Records that `series` (of pollutant `code`) changes from `old` to `new` raw.
    @inline(__always) package mutating func change(series: Int, code: UInt8, from old: UInt64, to new: UInt64) {
        entry.hash = entry.hash &- RowHash.slot(old, series: series, step: step) &+ RowHash.slot(new, series: series, step: step)
        let index = Int(code) - 1
        if index >= 0 && index < RowEntry.pollutantCodes {
            if old == 0 && new != 0 { entry.counts[index] &+= 1 }
            if old != 0 && new == 0 { entry.counts[index] &-= 1 }
        }
        if entry.tag == 0 && new != 0 { entry.tag = UInt64(bitPattern: Int64(step)) &+ 1 }
    }

    /// Records the changes of many slots at once, exactly as `change` on each
    /// in turn would (the sums wrap, so their order does not matter): `hash`
    /// is the wrapping sum over them of `RowHash.slot(new) &- RowHash.slot(old)`,
    /// `counts[c]` how many slots of pollutant code `c + 1` went from empty to
    /// a value less those that went from a value to empty (wrapping),
    /// `anyFilled` whether any of them has a non-empty new value. For loops
    /// that change a whole row: they sum as they go and record once.
    package mutating func record(hash: UInt64, counts: UnsafeBufferPointer<UInt32>, anyFilled: Bool) {
        entry.hash = entry.hash &+ hash
        for index in 0 ..< min(counts.count, RowEntry.pollutantCodes) where counts[index] != 0 {
            entry.counts[index] &+= counts[index]
        }
        if entry.tag == 0 && anyFilled { entry.tag = UInt64(bitPattern: Int64(step)) &+ 1 }
    }
}

/// The result of checking one row.
package enum RowVerdict: Equatable, Sendable {
    case empty
    case intact
    case damaged(String)

    package var isDamaged: Bool { if case .damaged = self { return true } else { return false } }
}
