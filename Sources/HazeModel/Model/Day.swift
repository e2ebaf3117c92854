/// A calendar day in the store's local time zone, as days since 1970-01-01.
///
/// A day is always one of 0001-01-01 … 10000-01-01 (the years a `CivilDate`
/// holds, and the day after, so that the half-open range of the last month's
/// days can end): an index beyond is clamped to the nearest end, and
/// arithmetic saturates, so nothing derived from a day (its date, month,
/// hours) can overflow or trap — even for a damaged header or a hostile state
/// file. Input from outside is limited further, to `SupportedCalendar`, where
/// it is parsed.
public struct Day: Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    /// The day number: days since 1970-01-01, clamped to 0001-01-01 … 10000-01-01.
    public let index: Int

    /// The day numbers a day can hold: 0001-01-01 … 10000-01-01.
    package static let representable: ClosedRange<Int> = lowest ... highest
    static let lowest = -719_162
    static let highest = 2_932_897

    @inline(__always) static func clamp(_ index: Int) -> Int { min(max(index, lowest), highest) }

    /// The day with this day number (days since 1970-01-01); beyond the range a day can hold it is clamped.
    public init(_ index: Int) { self.index = Self.clamp(index) }
    /// The day of a calendar date.
    public init(_ date: CivilDate) { self.index = date.dayNumber }

    /// The calendar date of the day.
    public var date: CivilDate { CivilDate(dayNumber: index) }
    /// The month the day falls in.
    public var month: Month {
        let date = self.date
        return Month(representable: date.year, date.month)
    }

    public static func < (a: Day, b: Day) -> Bool { a.index < b.index }
    /// Days from this day to `other` (negative when `other` is earlier).
    public func distance(to other: Day) -> Int { other.index - index }
    /// The day `n` days later (earlier for negative `n`); saturates at the ends of the range instead of trapping.
    public func advanced(by n: Int) -> Day {
        let (sum, overflow) = index.addingReportingOverflow(n)
        return Day(overflow ? (n > 0 ? Int.max : Int.min) : sum)
    }

    public var description: String { date.description }
}
