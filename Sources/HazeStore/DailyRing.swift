import HazeModel

/// The daily ring: per (day, series) the sum of the day's valid hourly values
/// and how many there were, so the daily mean is exact (`sum / count`).
///
/// Common layout (see `RingFile`) with magic "HAZEDAYS", no series table
/// (series indices are the hourly ring's), steps = days since 1970-01-01 in
/// the store's zone; rows of 8-byte slots:
///
///     bits 0–4    valid hours (0–24)
///     bits 5–22   sum of the valid hourly values (≤ 24 × 10000)
///     bits 23–63  zero (reserved for per-pollutant daily statistics)
///
/// 0 = no data. A slot whose count exceeds 24 or whose sum exceeds what its
/// count allows is damage and is never read as a value.
package final class DailyRing {
    package static let magic: [UInt8] = Array("HAZEDAYS".utf8)

    package let ring: RingFile<Day>
    package var file: MappedFile { ring.file }
    package var geometry: RingGeometry { ring.geometry }
    package var zone: LocalZone { ring.zone }

    package static func layout(_ header: RingHeader) -> RingGeometry {
        RingGeometry.layout(capacity: header.capacity, seriesCapacity: header.seriesCapacity, slotBytes: 8, tableEntryBytes: 0)
    }

    package init(creating path: String, capacity: Int, seriesCapacity: Int, calendar: DayCalendar,
                 hourlyCapacity: Int) throws(StoreError) {
        let geometry = RingGeometry.layout(capacity: capacity, seriesCapacity: seriesCapacity, slotBytes: 8, tableEntryBytes: 0)
        let header = RingHeader(magic: Self.magic, dataOffset: geometry.dataOffset, directoryOffset: geometry.directoryOffset,
                                capacity: capacity, seriesCapacity: seriesCapacity, seriesCount: 0,
                                zoneMinutes: calendar.zone.offsetMinutes, slotBytes: 8, dayConvention: calendar.convention, companionCapacity: hourlyCapacity)
        ring = try RingFile(creating: path, header: header)
    }

    package init(opening path: String, writable: Bool) throws(StoreError) {
        ring = try RingFile(opening: path, writable: writable, magic: Self.magic, slotBytes: 8, layout: Self.layout)
    }

    package var presentDays: ClosedRange<Day>? { ring.presentSteps }

    @inline(__always) package func raw(_ day: Day, _ series: Int) -> UInt64 {
        file.u64(geometry.offset(step: day.index, series: series))
    }

    @inline(__always) package func setRaw(_ day: Day, _ series: Int, _ value: UInt64) {
        file.setU64(geometry.offset(step: day.index, series: series), value)
    }

    package static func pack(sum: Int, count: Int) -> UInt64 {
        count == 0 ? 0 : UInt64(sum) << 5 | UInt64(count)
    }

    /// A raw slot is a daily value the ring can hold.
    @inline(__always) package static func isValidRaw(_ raw: UInt64) -> Bool {
        let count = raw & 0x1F, sum = (raw >> 5) & 0x3_FFFF
        return raw >> 23 == 0 && count <= 24 && sum <= count * UInt64(HourlyRing.maximumValue) && (count > 0 || raw == 0)
    }
}

/// A day's aggregate for one series: the exact mean and how many hours made it.
public struct DailyValue: Hashable, Sendable {
    public let sum: Int
    public let validHours: Int

    public init(sum: Int, validHours: Int) {
        self.sum = sum
        self.validHours = validHours
    }

    /// Decodes a slot; a damaged one reads as no data (and `haze check` reports it).
    package init(packed: UInt64) {
        guard DailyRing.isValidRaw(packed) else {
            self = .empty
            return
        }
        self.sum = Int((packed >> 5) & 0x3_FFFF)
        self.validHours = Int(packed & 0x1F)
    }

    /// The arithmetic mean of the valid hours, or nil with no data.
    public var mean: Double? { validHours == 0 ? nil : Double(sum) / Double(validHours) }

    /// GB 3095: a daily mean needs at least 20 valid hours.
    public var isValid: Bool { validHours >= Validity.minimumHoursPerDay }

    /// The mean if the day is valid.
    public var validMean: Double? { isValid ? mean : nil }

    public static let empty = DailyValue(sum: 0, validHours: 0)
}
