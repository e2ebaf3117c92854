/// The daily ring: per (day, series) the sum of the day's valid hourly values
/// and how many there were, so the daily mean is exact (`sum / count`).
///
/// Layout (little-endian):
///
///     0   magic "HAZEDAYS"          8 bytes
///     8   format version            u32 (1)
///     12  data offset               u32 (4096)
///     16  capacity in days          u32
///     20  series capacity           u32 (slots per row)
///     24  reserved                  u32
///     28  zone offset, minutes      i32
///     32  newest day                i64 (days since 1970-01-01, local; Int64.min = empty)
///     40  cleared-through day       i64
///     data offset: rows             capacity × series capacity × u32
///
/// Slot = `sum << 8 | count` (sum ≤ 24 × 10000 fits 24 bits); 0 = no data.
/// Series indices are those of the hourly ring's series table.
final class DailyRing: @unchecked Sendable {
    static let magic: [UInt8] = Array("HAZEDAYS".utf8)
    static let formatVersion = 1
    static let headerBytes = 4096

    let file: MappedFile
    let geometry: RingGeometry
    let zone: LocalZone

    var path: String { file.path }

    private enum Field {
        static let version = 8, dataOffset = 12, capacity = 16, seriesCapacity = 20
        static let zone = 28, newest = 32, cleared = 40
    }

    static func create(path: String, capacity: Int, seriesCapacity: Int, zone: LocalZone) throws(StoreError) -> DailyRing {
        let geometry = RingGeometry(capacity: capacity, seriesCapacity: seriesCapacity, slotBytes: 4,
                                    dataOffset: headerBytes)
        let file = try MappedFile(creating: path, length: geometry.fileLength)
        file.setBytes(0, magic)
        file.setU32(Field.version, UInt32(formatVersion))
        file.setU32(Field.dataOffset, UInt32(headerBytes))
        file.setU32(Field.capacity, UInt32(capacity))
        file.setU32(Field.seriesCapacity, UInt32(seriesCapacity))
        file.setI32(Field.zone, Int32(zone.offsetMinutes))
        file.setI64(Field.newest, emptyStep)
        file.setI64(Field.cleared, emptyStep)
        return DailyRing(file: file, geometry: geometry, zone: zone)
    }

    private init(file: MappedFile, geometry: RingGeometry, zone: LocalZone) {
        self.file = file
        self.geometry = geometry
        self.zone = zone
    }

    convenience init(opening path: String, writable: Bool) throws(StoreError) {
        let file = try MappedFile(openingExisting: path, writable: writable)
        guard file.length >= 64, file.bytes(0..<8) == Self.magic else { throw .badMagic(path: path) }
        let version = Int(file.u32(Field.version))
        guard version <= Self.formatVersion else {
            throw .newerVersion(path: path, found: version, supported: Self.formatVersion)
        }
        guard version >= 1 else { throw .corrupt(path: path, detail: "format version 0") }
        let geometry = RingGeometry(capacity: Int(file.u32(Field.capacity)),
                                    seriesCapacity: Int(file.u32(Field.seriesCapacity)),
                                    slotBytes: 4, dataOffset: Int(file.u32(Field.dataOffset)))
        guard geometry.capacity > 0, geometry.dataOffset >= 64, geometry.dataOffset % RingGeometry.pageSize == 0 else {
            throw .corrupt(path: path, detail: "header geometry is inconsistent")
        }
        guard file.length >= geometry.fileLength else {
            throw .corrupt(path: path, detail: "file is \(file.length) bytes but its header needs \(geometry.fileLength) (truncated?)")
        }
        self.init(file: file, geometry: geometry, zone: LocalZone(offsetMinutes: Int(file.i32(Field.zone))))
    }

    var newest: Day? {
        let raw = file.i64(Field.newest)
        return raw == emptyStep ? nil : Day(Int(raw))
    }

    var clearedThrough: Day? {
        let raw = file.i64(Field.cleared)
        return raw == emptyStep ? nil : Day(Int(raw))
    }

    func setNewest(_ day: Day) { file.setI64(Field.newest, Int64(day.index)) }
    func setClearedThrough(_ day: Day) { file.setI64(Field.cleared, Int64(day.index)) }
    func syncHeader() throws(StoreError) { try file.sync(0 ..< 64) }

    /// Days whose rows hold data.
    var presentDays: ClosedRange<Day>? {
        guard let newest, let cleared = clearedThrough else { return nil }
        let top = min(newest, cleared)
        let bottom = newest.advanced(by: -geometry.capacity + 1)
        return bottom <= top ? bottom ... top : nil
    }

    @inline(__always) func raw(_ day: Day, _ series: Int) -> UInt32 {
        file.u32(geometry.offset(step: day.index, series: series))
    }

    @inline(__always) func setRaw(_ day: Day, _ series: Int, _ value: UInt32) {
        file.setU32(geometry.offset(step: day.index, series: series), value)
    }

    func byteRange(ofRow day: Day) -> Range<Int> {
        let start = geometry.dataOffset + geometry.row(day.index) * geometry.rowBytes
        return start ..< start + geometry.rowBytes
    }

    func clearRows(_ days: ClosedRange<Day>) {
        let count = min(days.count, geometry.capacity)
        for i in 0..<count { file.zero(byteRange(ofRow: days.lowerBound.advanced(by: i))) }
    }

    func syncData() throws(StoreError) { try file.sync(geometry.dataOffset ..< geometry.fileLength) }

    static func pack(sum: Int, count: Int) -> UInt32 { count == 0 ? 0 : UInt32(sum) << 8 | UInt32(count) }
}

/// A day's aggregate for one series: the exact mean and how many hours made it.
public struct DailyValue: Hashable, Sendable {
    public let sum: Int
    public let validHours: Int

    public init(sum: Int, validHours: Int) {
        self.sum = sum
        self.validHours = validHours
    }

    init(packed: UInt32) {
        self.sum = Int(packed >> 8)
        self.validHours = Int(packed & 0xFF)
    }

    /// The arithmetic mean of the valid hours, or nil with no data.
    public var mean: Double? { validHours == 0 ? nil : Double(sum) / Double(validHours) }

    /// GB 3095: a daily mean needs at least 20 valid hours.
    public var isValid: Bool { validHours >= Validity.minimumHoursPerDay }

    /// The mean if the day is valid.
    public var validMean: Double? { isValid ? mean : nil }

    public static let empty = DailyValue(sum: 0, validHours: 0)
}
