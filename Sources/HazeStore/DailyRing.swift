import HazeModel

/// The daily ring: per (day, series) the sum of the day's valid hourly values
/// and how many there were, so the daily mean is exact (`sum / count`).
///
/// Common ring header (see `RingFile`) with magic "HAZEDAYS", data offset
/// 4096, steps = days since 1970-01-01 in the store's zone; then rows of
/// u32 slots `sum << 8 | count` (sum ≤ 24 × 10000 fits 24 bits), 0 = no data.
/// Series indices are those of the hourly ring's series table.
final class DailyRing: @unchecked Sendable {
    static let magic: [UInt8] = Array("HAZEDAYS".utf8)
    static let headerBytes = 4096

    let ring: RingFile<Day>
    var file: MappedFile { ring.file }
    var geometry: RingGeometry { ring.geometry }
    var zone: LocalZone { ring.zone }

    init(creating path: String, capacity: Int, seriesCapacity: Int, zone: LocalZone) throws(StoreError) {
        ring = try RingFile(creating: path, magic: Self.magic,
                            geometry: RingGeometry(capacity: capacity, seriesCapacity: seriesCapacity,
                                                   slotBytes: 4, dataOffset: Self.headerBytes),
                            zone: zone)
    }

    init(opening path: String, writable: Bool) throws(StoreError) {
        ring = try RingFile(opening: path, writable: writable, magic: Self.magic, slotBytes: 4) { _ in 64 }
    }

    var presentDays: ClosedRange<Day>? { ring.presentSteps }

    @inline(__always) func raw(_ day: Day, _ series: Int) -> UInt32 {
        file.u32(geometry.offset(step: day.index, series: series))
    }

    @inline(__always) func setRaw(_ day: Day, _ series: Int, _ value: UInt32) {
        file.setU32(geometry.offset(step: day.index, series: series), value)
    }

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
