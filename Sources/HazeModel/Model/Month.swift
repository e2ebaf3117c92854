/// A calendar month, the unit of the bureau's monthly assessment.
///
/// Months are Strideable (`for month in first...last`); stepping saturates at
/// 0001-01 and 9999-12, and the neighbours a report needs (`next`,
/// `previous`, `yearEarlier`) are nil beyond them instead of trapping.
public struct Month: Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    /// The year, 1–9999.
    public let year: Int
    /// The month of the year, 1–12.
    public let month: Int

    /// The month, or nil when the year is outside 1–9999 or the month outside 1–12.
    public init?(year: Int, month: Int) {
        guard CivilDate.representableYears.contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// A month from fields already known to be valid (a `CivilDate`'s).
    init(representable year: Int, _ month: Int) {
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` from outside: a month of the supported calendar, or why not.
    public static func parse(_ text: some StringProtocol) -> Result<Month, CalendarRefusal> {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              [0, 1, 2, 3, 5, 6].allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }) else { return .failure(.malformed) }
        let digit = { (i: Int) in Int(bytes[i] - 48) }
        guard let month = Month(year: digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3),
                                month: digit(5) * 10 + digit(6)) else { return .failure(.malformed) }
        guard SupportedCalendar.contains(month) else { return .failure(.outsideSupportedCalendar) }
        return .success(month)
    }

    /// Parses `YYYY-MM`; nil unless a month of the supported calendar.
    public init?(parsing text: some StringProtocol) {
        guard case .success(let month) = Self.parse(text) else { return nil }
        self = month
    }

    /// The first day of the month.
    public var firstDay: Day { Day(CivilDate(year: year, month: month, day: 1) ?? CivilDate(dayNumber: 0)) }
    package var dayCount: Int { CivilDate.daysIn(month: month, year: year) }
    /// Every day of the month, first to last.
    public var days: Range<Day> { firstDay ..< firstDay.advanced(by: dayCount) }
    var isFebruary: Bool { month == 2 }

    /// Months since 0001-01.
    var ordinal: Int { (year - 1) * 12 + (month - 1) }

    init(ordinal: Int) {
        let clamped = min(max(ordinal, 0), 9999 * 12 - 1)
        self.init(representable: clamped / 12 + 1, clamped % 12 + 1)
    }

    /// Months from this month to `other` (negative when `other` is earlier).
    public func distance(to other: Month) -> Int { other.ordinal - ordinal }
    /// The month `n` months later (earlier for negative `n`); saturates at 0001-01 / 9999-12 instead of trapping.
    public func advanced(by n: Int) -> Month {
        let (sum, overflow) = ordinal.addingReportingOverflow(n)
        return Month(ordinal: overflow ? (n > 0 ? Int.max : Int.min) : sum)
    }

    /// The month `n` months away, or nil beyond 0001-01 … 9999-12.
    public func offset(by n: Int) -> Month? {
        let (sum, overflow) = ordinal.addingReportingOverflow(n)
        guard !overflow, (0 ..< 9999 * 12).contains(sum) else { return nil }
        return Month(ordinal: sum)
    }

    /// The following month; nil after 9999-12.
    public var next: Month? { offset(by: 1) }
    /// The preceding month; nil before 0001-01.
    public var previous: Month? { offset(by: -1) }
    /// The same month one year earlier, for year-on-year comparison.
    package var yearEarlier: Month? { offset(by: -12) }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public var description: String { "\(CivilDate.pad(year, 4))-\(CivilDate.pad(month, 2))" }
}
