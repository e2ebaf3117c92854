/// One hour on the store's time axis: hours since 1970-01-01T00:00Z.
///
/// Hours are stored in UTC; a reading labelled hour `h` (0–23) of a local date
/// is the hour that starts at `h`:00 local time.
public struct Hour: Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    public let index: Int

    public init(_ index: Int) { self.index = index }

    public static func < (a: Hour, b: Hour) -> Bool { a.index < b.index }
    public func distance(to other: Hour) -> Int { other.index - index }
    public func advanced(by n: Int) -> Hour { Hour(index + n) }

    /// ISO-8601 in UTC, e.g. `2019-01-01T00:00Z`.
    public var description: String {
        let day = index >= 0 ? index / 24 : (index - 23) / 24
        let hourOfDay = index - day * 24
        return "\(CivilDate(dayNumber: day))T\(CivilDate.pad(hourOfDay, 2)):00Z"
    }
}

/// A calendar day in the store's local time zone, as days since 1970-01-01.
public struct Day: Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    public let index: Int

    public init(_ index: Int) { self.index = index }
    public init(_ date: CivilDate) { self.index = date.dayNumber }

    public var date: CivilDate { CivilDate(dayNumber: index) }
    public var month: Month { Month(year: date.year, month: date.month)! }

    public static func < (a: Day, b: Day) -> Bool { a.index < b.index }
    public func distance(to other: Day) -> Int { other.index - index }
    public func advanced(by n: Int) -> Day { Day(index + n) }

    public var description: String { date.description }
}

/// A calendar month, the unit of the bureau's monthly assessment.
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public var firstDay: Day { Day(CivilDate(year: year, month: month, day: 1)!) }
    public var dayCount: Int { CivilDate.daysIn(month: month, year: year) }
    public var days: Range<Day> { firstDay ..< firstDay.advanced(by: dayCount) }
    public var isFebruary: Bool { month == 2 }

    public var next: Month { month == 12 ? Month(year: year + 1, month: 1)! : Month(year: year, month: month + 1)! }
    public var previous: Month { month == 1 ? Month(year: year - 1, month: 12)! : Month(year: year, month: month - 1)! }
    /// The same month one year earlier, for year-on-year comparison.
    public var yearEarlier: Month { Month(year: year - 1, month: month)! }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public var description: String { "\(CivilDate.pad(year, 4))-\(CivilDate.pad(month, 2))" }
}
