/// The fixed UTC offset in which a store's days are counted.
///
/// Chinese monitoring data are in Beijing time (UTC+8) all year, so a fixed
/// offset is exact and avoids any time-zone database at run time. An offset
/// is a whole number of hours within ±14 h (every local hour is one stored
/// hour, and no zone on Earth is further from UTC); nothing else can be made.
public struct LocalZone: Hashable, Sendable, CustomStringConvertible {
    /// Minutes east of UTC.
    package let offsetMinutes: Int

    /// The offsets a zone can have, in hours.
    public static let offsetHoursRange: ClosedRange<Int> = -14...14

    /// A zone `offsetMinutes` east of UTC, or nil unless whole hours within ±14 h.
    public init?(offsetMinutes: Int) {
        guard offsetMinutes % 60 == 0, Self.offsetHoursRange.contains(offsetMinutes / 60) else { return nil }
        self.offsetMinutes = offsetMinutes
    }

    /// A zone `hours` east of UTC, or nil beyond ±14 h.
    public init?(hours: Int) {
        guard Self.offsetHoursRange.contains(hours) else { return nil }
        self.offsetMinutes = hours * 60
    }

    private init(valid minutes: Int) { self.offsetMinutes = minutes }

    /// Beijing time, UTC+8.
    public static let beijing = LocalZone(valid: 480)
    /// UTC (OpenAQ times, `Z`).
    public static let utc = LocalZone(valid: 0)

    /// Offsets are whole hours so that every local hour is one stored hour.
    var offsetHours: Int { offsetMinutes / 60 }

    /// The stored (UTC) hour of local hour `hourOfDay` on `day`.
    public func hour(day: Day, hourOfDay: Int) -> Hour {
        // Days and offsets are bounded, so only an absurd hourOfDay could overflow: saturate.
        Hour(day.index * 24 - offsetHours).advanced(by: hourOfDay)
    }

    /// The local day an hour belongs to.
    public func day(of hour: Hour) -> Day {
        let local = hour.index + offsetHours
        return Day(local >= 0 ? local / 24 : (local - 23) / 24)
    }

    /// The local hour of day (0–23).
    package func hourOfDay(_ hour: Hour) -> Int {
        let remainder = (hour.index + offsetHours) % 24
        return remainder < 0 ? remainder + 24 : remainder
    }

    /// The first stored hour of a local day.
    package func firstHour(of day: Day) -> Hour { hour(day: day, hourOfDay: 0) }

    /// Local ISO-8601 with offset, e.g. `2019-01-01T08:00+08:00`.
    public func format(_ hour: Hour) -> String {
        "\(day(of: hour))T\(CivilDate.pad(hourOfDay(hour), 2)):00\(suffix)"
    }

    /// `+08:00`
    package var suffix: String {
        let sign = offsetMinutes >= 0 ? "+" : "-"
        let m = abs(offsetMinutes)
        return "\(sign)\(CivilDate.pad(m / 60, 2)):\(CivilDate.pad(m % 60, 2))"
    }

    public var description: String { "UTC\(suffix)" }
}
