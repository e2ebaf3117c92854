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
