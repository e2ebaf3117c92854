import HazeModel

/// The daily ring: per (day, series) the sum of the day's valid hourly values
/// and how many there were, so the daily mean is exact (`sum / count`), and
/// for O3 the day's statistics that need its hours (MDA8, maximum hour), so
/// they survive the hourly ring's wrap.
///
/// Common layout (see `RingFile`) with magic "HAZEDAYS", no series table
/// (series indices are the hourly ring's), steps = assessment days (see
/// `DayCalendar`) since 1970-01-01 in the store's zone; rows of 8-byte slots,
/// values in the pollutant's stored unit (µg/m³; CO tenths of mg/m³):
///
///     bits 0–4    valid hours (0–24)
///     bits 5–22   sum of the valid hourly values (≤ 24 × 10000)
///     bits 23–62  zero, except for O3 series (pollutant code 6):
///       23–27     valid 8-hour means among the 17 windows ending at the
///                 day's hours 8…24 (0–17)
///       28–44     sum of the hours of the highest 8-hour mean (≤ 8 × 10000)
///       45–46     hours of that window − 6 (6–8 hours; 0 when no window)
///       47–60     the day's highest hourly value (≤ 10000)
///       61–62     zero
///     bit 63      the value stands without its hours (`keptWithoutHours`)
///
/// 0 = no data. A slot whose fields contradict each other (a count above 24,
/// a sum its count cannot reach, O3 fields that no day can produce, bits set
/// that its pollutant does not use) is damage and is never read as a value.
package final class DailyRing {
    package static let magic: [UInt8] = Array("HAZEDAYS".utf8)

    /// Bit 63: the value stands without (some of) its hours. A repair that
    /// rebuilt the hourly ring from a raw/ holding only part of a day keeps
    /// the old daily row's verified value, made of more hours than came
    /// back, instead of recomputing it from what is left; the flag tells
    /// roll-ups and `haze check` that the hours are known lost, so neither
    /// replaces the value with one made of fewer hours. Once as many hours
    /// are back (the day's file ingested again), the roll-up's value
    /// replaces it and the flag is gone. Older haze reads a flagged slot as
    /// damage, never as a value.
    package static let keptWithoutHours: UInt64 = 1 << 63

    /// What a roll-up writes to a slot holding `existing`: the value
    /// `computed` from the hours, unless `existing` is a value kept without
    /// its hours that was made of more hours than `computed`.
    @inline(__always) package static func rolledUp(_ computed: UInt64, over existing: UInt64) -> UInt64 {
        guard existing & keptWithoutHours != 0, validHours(existing) > validHours(computed) else { return computed }
        return existing
    }

    /// The valid hours a slot's value is made of (0 for no data).
    @inline(__always) package static func validHours(_ raw: UInt64) -> Int { Int(raw & 0x1F) }

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

    /// The slot of an O3 day: sum and count, and the statistics of `o3`.
    package static func pack(sum: Int, count: Int, o3: O3Day) -> UInt64 {
        guard count > 0 else { return 0 }
        var raw = pack(sum: sum, count: count)
        raw |= UInt64(o3.windows) << 23
        if o3.windows > 0 {
            raw |= UInt64(o3.maximumWindowSum) << 28
            raw |= UInt64(o3.maximumWindowHours - Validity.minimumHoursPer8Hours) << 45
        }
        raw |= UInt64(o3.maximumHour ?? 0) << 47
        return raw
    }

    /// The daily slot of a series from the day's hourly values by position
    /// (the same function the roll-up and `haze check` use).
    package static func pack(positions: [Int?], code: UInt8) -> UInt64 {
        var sum = 0, count = 0
        for value in positions { if let value { sum += value; count += 1 } }
        if code == Pollutant.o3.rawValue { return pack(sum: sum, count: count, o3: O3Day(positions: positions)) }
        return pack(sum: sum, count: count)
    }

    /// A raw slot is a daily value the ring can hold for a series of
    /// pollutant `code`: exact — every field in range, consistent with the
    /// others, and no bit set that the pollutant's layout does not use.
    @inline(__always) package static func isValidRaw(_ slot: UInt64, code: UInt8) -> Bool {
        isValidRaw(slot, code: code, maximum: UInt64(HourlyRing.maximumValue))
    }

    /// The same with `HourlyRing.maximumValue` given (read once before a loop over a row).
    @inline(__always) package static func isValidRaw(_ slot: UInt64, code: UInt8, maximum: UInt64) -> Bool {
        let raw = slot & ~keptWithoutHours
        guard raw != 0 || slot == 0 else { return false }
        let count = raw & 0x1F, sum = (raw >> 5) & 0x3_FFFF
        // count ≤ 24 is checked first, so the product cannot overflow.
        guard count <= 24, sum <= count &* maximum, count > 0 || raw == 0 else { return false }
        guard raw >> 23 != 0 else { return code != Pollutant.o3.rawValue || count == 0 || sum == 0 }
        return isValidO3Fields(raw, code: code, count: count, sum: sum, maximum: maximum)
    }

    /// The O3 fields' part of `isValidRaw` (bits 23–62 set): out of line, so
    /// that a loop over a row keeps the common case's values in registers.
    @inline(never)
    private static func isValidO3Fields(_ raw: UInt64, code: UInt8, count: UInt64, sum: UInt64, maximum: UInt64) -> Bool {
        guard code == Pollutant.o3.rawValue, raw >> 61 == 0 else { return false }
        let windows = (raw >> 23) & 0x1F, windowSum = (raw >> 28) & 0x1_FFFF
        let windowHours = (raw >> 45) & 0x3, top = (raw >> 47) & 0x3FFF
        // The highest hour: at most the cap, within what the day's sum allows.
        guard top <= maximum, top <= sum, top * count >= sum else { return false }
        guard windows > 0 else { return windowSum == 0 && windowHours == 0 && count > 0 }
        let hours = windowHours + UInt64(Validity.minimumHoursPer8Hours)
        return windows <= UInt64(O3Day.windowCount) && windowHours <= 2 && hours <= count
            && windowSum <= sum && windowSum <= hours * top && windowSum + (count - hours) * top >= sum
    }
}

/// A day's aggregate for one series: the exact mean and how many hours made
/// it, in the pollutant's stored unit; for O3 also the day's MDA8 and
/// maximum hour.
public struct DailyValue: Hashable, Sendable {
    package let sum: Int
    package let validHours: Int
    /// O3's daily statistics (nil for other pollutants and days without data).
    public let o3: O3Day?

    init(sum: Int, validHours: Int, o3: O3Day? = nil) {
        self.sum = sum
        self.validHours = validHours
        self.o3 = o3
    }

    /// Decodes a slot of a series of pollutant `code`; a damaged one reads
    /// as no data (and `haze check` reports it).
    package init(packed: UInt64, code: UInt8) {
        guard DailyRing.isValidRaw(packed, code: code), packed != 0 else {
            self = .empty
            return
        }
        self.sum = Int((packed >> 5) & 0x3_FFFF)
        self.validHours = Int(packed & 0x1F)
        if code == Pollutant.o3.rawValue {
            let windows = Int((packed >> 23) & 0x1F)
            self.o3 = O3Day(windows: windows, maximumWindowSum: Int((packed >> 28) & 0x1_FFFF),
                            maximumWindowHours: windows == 0 ? 0 : Int((packed >> 45) & 0x3) + Validity.minimumHoursPer8Hours,
                            maximumHour: Int((packed >> 47) & 0x3FFF), hours: Int(packed & 0x1F))
        } else {
            self.o3 = nil
        }
    }

    /// The arithmetic mean of the valid hours, or nil with no data.
    public var mean: Double? { validHours == 0 ? nil : Double(sum) / Double(validHours) }

    /// GB 3095: a daily mean needs at least 20 valid hours.
    package var isValid: Bool { validHours >= Validity.minimumHoursPerDay }

    /// The mean if the day is valid.
    package var validMean: Double? { isValid ? mean : nil }

    /// `DailyValue(packed:code:).validMean` without building the value (and
    /// its O3 statistics): a unit's day sums thousands of them.
    @inline(__always) package static func validMean(packed: UInt64, code: UInt8) -> Double? {
        validMean(packed: packed, code: code, maximum: UInt64(HourlyRing.maximumValue), minimumHours: Validity.minimumHoursPerDay)
    }

    /// The same with `HourlyRing.maximumValue` and `Validity.minimumHoursPerDay`
    /// given: read once before a loop over thousands of slots (a global of
    /// another module is a call per read).
    @inline(__always) package static func validMean(packed: UInt64, code: UInt8, maximum: UInt64, minimumHours: Int) -> Double? {
        guard packed != 0, DailyRing.isValidRaw(packed, code: code, maximum: maximum) else { return nil }
        let hours = Int(packed & 0x1F)
        guard hours >= minimumHours else { return nil }
        return Double(Int((packed >> 5) & 0x3_FFFF)) / Double(hours)
    }

    /// No data: no valid hour.
    package static let empty = DailyValue(sum: 0, validHours: 0)
}
