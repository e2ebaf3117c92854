import HazeModel

/// A time step a ring is indexed by: an `Hour` or a `Day`.
protocol RingStep: Strideable, Hashable, Sendable where Stride == Int {
    init(_ index: Int)
    var index: Int { get }
}

extension Hour: RingStep {}
extension Day: RingStep {}

/// What the hourly and daily rings share: a memory-mapped file with a header
/// (magic, version, geometry, zone, newest step, cleared-through step) and a
/// row of fixed-width slots per time step, step `t` in row `t mod capacity`.
///
/// Common header (little-endian):
///
///     0   magic                     8 bytes
///     8   format version            u32
///     12  data offset               u32 (multiple of 4096)
///     16  capacity in steps         u32
///     20  series capacity           u32 (slots per row)
///     24  series count / reserved   u32
///     28  zone offset, minutes      i32
///     32  newest step               i64 (Int64.min = empty)
///     40  cleared-through step      i64 (rows after it may hold stale data)
/// Offsets of the common ring header fields.
enum RingHeaderField {
    static let version = 8, dataOffset = 12, capacity = 16, seriesCapacity = 20
    static let seriesCount = 24, zone = 28, newest = 32, cleared = 40
}

final class RingFile<Step: RingStep>: @unchecked Sendable {
    typealias Field = RingHeaderField

    static var formatVersion: Int { 1 }

    let file: MappedFile
    let geometry: RingGeometry
    let zone: LocalZone

    var path: String { file.path }

    /// Creates a file with an empty ring.
    init(creating path: String, magic: [UInt8], geometry: RingGeometry, zone: LocalZone) throws(StoreError) {
        let file = try MappedFile(creating: path, length: geometry.fileLength)
        file.setBytes(0, magic)
        file.setU32(Field.version, UInt32(Self.formatVersion))
        file.setU32(Field.dataOffset, UInt32(geometry.dataOffset))
        file.setU32(Field.capacity, UInt32(geometry.capacity))
        file.setU32(Field.seriesCapacity, UInt32(geometry.seriesCapacity))
        file.setI32(Field.zone, Int32(zone.offsetMinutes))
        file.setI64(Field.newest, emptyStep)
        file.setI64(Field.cleared, emptyStep)
        self.file = file
        self.geometry = geometry
        self.zone = zone
    }

    /// Opens and validates an existing file; `minimumDataOffset` is what the
    /// header region needs (the hourly ring's series table).
    init(opening path: String, writable: Bool, magic: [UInt8], slotBytes: Int,
         minimumDataOffset: (RingGeometry) -> Int) throws(StoreError) {
        let file = try MappedFile(openingExisting: path, writable: writable)
        guard file.length >= 64, file.bytes(0..<8) == magic else { throw .badMagic(path: path) }
        let version = Int(file.u32(Field.version))
        guard version <= Self.formatVersion else {
            throw .newerVersion(path: path, found: version, supported: Self.formatVersion)
        }
        guard version >= 1 else { throw .corrupt(path: path, detail: "format version 0") }
        let geometry = RingGeometry(capacity: Int(file.u32(Field.capacity)),
                                    seriesCapacity: Int(file.u32(Field.seriesCapacity)),
                                    slotBytes: slotBytes, dataOffset: Int(file.u32(Field.dataOffset)))
        guard geometry.capacity > 0, geometry.dataOffset >= minimumDataOffset(geometry),
              geometry.dataOffset % RingGeometry.pageSize == 0 else {
            throw .corrupt(path: path, detail: "header geometry is inconsistent (capacity \(geometry.capacity), data offset \(geometry.dataOffset))")
        }
        guard file.length >= geometry.fileLength else {
            throw .corrupt(path: path, detail: "file is \(file.length) bytes but its header needs \(geometry.fileLength) (truncated?)")
        }
        let zoneMinutes = Int(file.i32(Field.zone))
        guard let zone = LocalZone(offsetMinutes: zoneMinutes) else {
            throw .corrupt(path: path, detail: "zone offset \(zoneMinutes) minutes is not a whole hour within ±14 h")
        }
        self.file = file
        self.geometry = geometry
        self.zone = zone
    }

    // MARK: Window

    var newest: Step? {
        let raw = file.i64(Field.newest)
        return raw == emptyStep ? nil : Step(Int(raw))
    }

    var clearedThrough: Step? {
        let raw = file.i64(Field.cleared)
        return raw == emptyStep ? nil : Step(Int(raw))
    }

    func setNewest(_ step: Step) { file.setI64(Field.newest, Int64(step.index)) }
    func setClearedThrough(_ step: Step) { file.setI64(Field.cleared, Int64(step.index)) }
    func syncHeader() throws(StoreError) { try file.sync(0 ..< 64) }
    func syncData() throws(StoreError) { try file.sync(geometry.dataOffset ..< geometry.fileLength) }

    /// The steps whose rows hold data: `(newest - capacity, newest]`, minus
    /// any rows a crash left uncleared.
    var presentSteps: ClosedRange<Step>? {
        guard let newest, let cleared = clearedThrough else { return nil }
        let top = min(newest, cleared)
        let bottom = newest.advanced(by: -geometry.capacity + 1)
        return bottom <= top ? bottom ... top : nil
    }

    /// Moves the window forward to `newest`: header first (synced), then the
    /// reused rows are cleared (synced), then the clear is recorded. A crash
    /// between the steps leaves `cleared < newest`, which readers respect and
    /// `completeInterruptedMove` finishes.
    func moveWindow(to newest: Step) throws(StoreError) {
        guard let old = self.newest else {
            setNewest(newest)
            setClearedThrough(newest)
            try syncHeader()
            return
        }
        guard newest > old else { return }
        setNewest(newest)
        try syncHeader()
        clearRows(old.advanced(by: 1) ... newest)
        try syncData()
        setClearedThrough(newest)
        try syncHeader()
    }

    /// Finishes a `moveWindow` a killed writer left half done.
    func completeInterruptedMove() throws(StoreError) {
        guard let newest, let cleared = clearedThrough, cleared < newest else { return }
        clearRows(cleared.advanced(by: 1) ... newest)
        try syncData()
        setClearedThrough(newest)
        try syncHeader()
    }

    // MARK: Rows

    func byteRange(ofRow step: Step) -> Range<Int> {
        let start = geometry.dataOffset + geometry.row(step.index) * geometry.rowBytes
        return start ..< start + geometry.rowBytes
    }

    /// Sets the rows of `steps` (at most one full turn) to zero.
    func clearRows(_ steps: ClosedRange<Step>) {
        let count = min(steps.lowerBound.distance(to: steps.upperBound) + 1, geometry.capacity)
        for i in 0..<count { file.zero(byteRange(ofRow: steps.lowerBound.advanced(by: i))) }
    }

    /// Copies the first `slots` slots of every row into `target` (a wider ring).
    func copyRows(into target: RingFile<Step>, slots: Int) {
        let bytes = slots * geometry.slotBytes
        guard bytes > 0 else { return }
        for row in 0..<geometry.capacity {
            (target.file.base + target.geometry.dataOffset + row * target.geometry.rowBytes)
                .copyMemory(from: file.base + geometry.dataOffset + row * geometry.rowBytes, byteCount: bytes)
        }
        if let newest { target.setNewest(newest) }
        if let clearedThrough { target.setClearedThrough(clearedThrough) }
    }
}
