/// One hour on the store's time axis: hours since 1970-01-01T00:00Z.
///
/// Hours are stored in UTC; a reading labelled hour `h` (0–23) of a local date
/// is the hour that starts at `h`:00 local time. Like `Day`, an hour is always
/// within 0001-01-01T00Z … 10000-01-01T23Z: an index beyond is clamped and
/// arithmetic saturates, so no conversion of an hour can overflow or trap.
public struct Hour: Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    /// Hours since 1970-01-01T00:00Z (UTC), clamped to the range an hour can hold.
    public let index: Int

    /// The hour indices an hour can hold.
    package static let representable: ClosedRange<Int> = lowest ... highest
    /// `Day.representable` in hours.
    static let lowest = -17_259_888
    static let highest = 70_389_551

    /// The hour `index` hours after 1970-01-01T00:00Z; beyond the range an hour can hold it is clamped.
    @inline(__always) public init(_ index: Int) { self.index = min(max(index, Self.lowest), Self.highest) }

    public static func < (a: Hour, b: Hour) -> Bool { a.index < b.index }
    /// Hours from this hour to `other` (negative when `other` is earlier).
    public func distance(to other: Hour) -> Int { other.index - index }
    /// The hour `n` hours later (earlier for negative `n`); saturates at the ends of the range instead of trapping.
    public func advanced(by n: Int) -> Hour {
        let (sum, overflow) = index.addingReportingOverflow(n)
        return Hour(overflow ? (n > 0 ? Int.max : Int.min) : sum)
    }

    /// The UTC day and hour of day (0–23).
    var utc: (day: Day, hourOfDay: Int) {
        let day = index >= 0 ? index / 24 : (index - 23) / 24
        return (Day(day), index - day * 24)
    }

    /// ISO-8601 in UTC, e.g. `2019-01-01T00:00Z`.
    public var description: String {
        let (day, hourOfDay) = utc
        return "\(day)T\(CivilDate.pad(hourOfDay, 2)):00Z"
    }
}
