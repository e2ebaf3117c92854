/// The fixed UTC offset in which a store's days are counted.
///
/// Chinese monitoring data are in Beijing time (UTC+8) all year, so a fixed
/// offset is exact and avoids any time-zone database at run time.
public struct LocalZone: Hashable, Sendable, CustomStringConvertible {
    /// Minutes east of UTC.
    public let offsetMinutes: Int

    public init(offsetMinutes: Int) { self.offsetMinutes = offsetMinutes }

    /// Beijing time, UTC+8.
    public static let beijing = LocalZone(offsetMinutes: 480)

    /// Offsets are whole hours so that every local hour is one stored hour.
    var offsetHours: Int { offsetMinutes / 60 }

    /// The stored (UTC) hour of local hour `hourOfDay` on `day`.
    public func hour(day: Day, hourOfDay: Int) -> Hour {
        Hour(day.index * 24 + hourOfDay - offsetHours)
    }

    /// The local day an hour belongs to.
    public func day(of hour: Hour) -> Day {
        let local = hour.index + offsetHours
        return Day(local >= 0 ? local / 24 : (local - 23) / 24)
    }

    /// The local hour of day (0–23).
    public func hourOfDay(_ hour: Hour) -> Int {
        let local = hour.index + offsetHours
        return local - day(of: hour).index * 24
    }

    /// The first stored hour of a local day.
    public func firstHour(of day: Day) -> Hour { hour(day: day, hourOfDay: 0) }

    /// Local ISO-8601 with offset, e.g. `2019-01-01T08:00+08:00`.
    public func format(_ hour: Hour) -> String {
        "\(day(of: hour))T\(CivilDate.pad(hourOfDay(hour), 2)):00\(suffix)"
    }

    /// `+08:00`
    public var suffix: String {
        let sign = offsetMinutes >= 0 ? "+" : "-"
        let m = abs(offsetMinutes)
        return "\(sign)\(CivilDate.pad(m / 60, 2)):\(CivilDate.pad(m % 60, 2))"
    }

    public var description: String { "UTC\(suffix)" }
}
