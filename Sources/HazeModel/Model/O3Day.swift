/// A day's ozone statistics from its 24 hourly values (positions 1…24 of the
/// day, see `DayCalendar`): the daily maximum 8-hour mean (MDA8) with the
/// number of valid 8-hour means it was chosen from, and the daily maximum
/// 1-hour value.
///
/// GB 3095 Table 4: an 8-hour mean needs ≥ 6 hourly values. HJ 663 §6.1.2
/// (retained in HJ 663—2026): the daily maximum takes the 8-hour means
/// ending at the day's 8th … 24th hour (17 windows, all inside the day) and
/// needs ≥ 14 valid ones; with fewer it is valid only when it exceeds the
/// limit (rounded, above 160 µg/m³). Everything is kept exact: the highest
/// mean as the sum and count of its window's hours.
public struct O3Day: Hashable, Sendable {
    /// Valid 8-hour means among the 17 windows (0…17).
    public var windows: Int
    /// The highest 8-hour mean is `maximumWindowSum / maximumWindowHours`
    /// (hours 6…8); both 0 when no window is valid.
    package var maximumWindowSum: Int
    package var maximumWindowHours: Int
    /// The highest hourly value of the day, nil without any.
    package var maximumHour: Int?
    /// Hourly values present.
    public var hours: Int

    /// Windows ending at day positions 8…24.
    package static let windowCount = 17

    package init(windows: Int, maximumWindowSum: Int, maximumWindowHours: Int, maximumHour: Int?, hours: Int) {
        self.windows = windows
        self.maximumWindowSum = maximumWindowSum
        self.maximumWindowHours = maximumWindowHours
        self.maximumHour = maximumHour
        self.hours = hours
    }

    /// The statistics of a day's hourly values by position (index 0 = the
    /// day's first hour); values beyond 24 positions are ignored.
    public init(positions: [Int?]) {
        var values = Array(positions.prefix(24))
        while values.count < 24 { values.append(nil) }
        var windows = 0
        var bestSum = 0, bestHours = 0
        for end in 8 ... 24 {
            var sum = 0, count = 0
            for position in end - 8 ..< end {
                if let value = values[position] { sum += value; count += 1 }
            }
            guard count >= Validity.minimumHoursPer8Hours else { continue }
            windows += 1
            // sum/count > bestSum/bestHours, exactly.
            if bestHours == 0 || sum * bestHours > bestSum * count {
                bestSum = sum
                bestHours = count
            }
        }
        let present = values.compactMap { $0 }
        self.init(windows: windows, maximumWindowSum: bestSum, maximumWindowHours: bestHours,
                  maximumHour: present.max(), hours: present.count)
    }

    /// The same statistics from exactly 24 positions, -1 for a missing hour
    /// (the store's roll-up, per O3 series and day: no arrays made; each
    /// window's sum and count from the one before, adding the hour that
    /// enters and removing the one that leaves). `O3DayTests` checks that
    /// both initialisers agree.
    package init(positions: UnsafeBufferPointer<Int>) {
        precondition(positions.count == 24, "a day of 24 positions")
        var windows = 0
        var bestSum = 0, bestHours = 0
        var sum = 0, count = 0
        for position in 0 ..< 7 where positions[position] >= 0 {
            sum += positions[position]
            count += 1
        }
        for end in 8 ... 24 {
            let entering = positions[end - 1]
            if entering >= 0 { sum += entering; count += 1 }
            if end > 8 {
                let leaving = positions[end - 9]
                if leaving >= 0 { sum -= leaving; count -= 1 }
            }
            guard count >= Validity.minimumHoursPer8Hours else { continue }
            windows += 1
            // sum/count > bestSum/bestHours, exactly.
            if bestHours == 0 || sum * bestHours > bestSum * count {
                bestSum = sum
                bestHours = count
            }
        }
        var top = -1, hours = 0
        for value in positions where value >= 0 {
            hours += 1
            if value > top { top = value }
        }
        self.init(windows: windows, maximumWindowSum: bestSum, maximumWindowHours: bestHours,
                  maximumHour: top < 0 ? nil : top, hours: hours)
    }

    /// The daily maximum 8-hour mean, unrounded (nil without a valid window).
    package var mda8: Double? {
        maximumWindowHours == 0 ? nil : Double(maximumWindowSum) / Double(maximumWindowHours)
    }

    /// The MDA8 rounded half to even (GB/T 8170), exactly.
    var roundedMDA8: Int? {
        guard maximumWindowHours > 0 else { return nil }
        return GBT8170.roundRatio(maximumWindowSum, maximumWindowHours)
    }

    /// HJ 663 §6.1.2: ≥ 14 valid 8-hour means, or fewer with the rounded
    /// MDA8 above the Grade II limit in force on `date` (160 µg/m³).
    package func isMDA8Valid(on date: CivilDate) -> Bool {
        guard let rounded = roundedMDA8 else { return false }
        return windows >= Validity.minimum8HourWindows
            || rounded > AirQualityStandard.inForce(on: date).dailyLimit(.o3)
    }

    /// True when the MDA8 is valid only because it exceeds the limit.
    func isValidByExceedance(on date: CivilDate) -> Bool {
        windows < Validity.minimum8HourWindows && isMDA8Valid(on: date)
    }

    /// The MDA8 if valid on `date`.
    package func validMDA8(on date: CivilDate) -> Double? { isMDA8Valid(on: date) ? mda8 : nil }

    /// The daily maximum 1-hour value, valid with ≥ 20 hours (RULES.md §6:
    /// by analogy with the daily-mean rule; no text found).
    package var validMaximumHour: Int? { hours >= Validity.minimumHoursPerDay ? maximumHour : nil }
}
