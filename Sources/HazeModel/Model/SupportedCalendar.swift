/// The dates haze accepts from outside: years 1900 to 2200.
///
/// Every date, month, year or hour that comes from a command-line option, a
/// data row or a configuration file must lie in this calendar; anything else
/// is refused with a message naming the option or field. It is far inside
/// what the time types can represent (years 1–9999, `CivilDate`), so calendar
/// arithmetic on accepted input — a year earlier, the next month, a day's
/// hours in any zone within ±14 h — never leaves the representable range.
public enum SupportedCalendar {
    /// The years accepted.
    public static let years: ClosedRange<Int> = 1900...2200

    /// 1900-01-01
    public static let firstDay = Day(-25_567)
    /// 2200-12-31
    package static let lastDay = Day(84_370)

    /// `years 1900–2200`, for messages.
    public static let description = "years \(years.lowerBound)–\(years.upperBound)"

    /// Whether the date's year is one haze accepts from outside (1900–2200).
    public static func contains(_ date: CivilDate) -> Bool { years.contains(date.year) }
    /// Whether the month's year is one haze accepts from outside (1900–2200).
    public static func contains(_ month: Month) -> Bool { years.contains(month.year) }
    /// Whether the day lies in the years haze accepts from outside (1900–2200).
    public static func contains(_ day: Day) -> Bool { (firstDay...lastDay).contains(day) }
}

/// Why a date, month or year from outside was refused.
public enum CalendarRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not in the expected form, or not a real day (`2019-02-30`).
    case malformed
    /// A real date outside `SupportedCalendar` (e.g. `0001-01`, `9999-12-31`).
    case outsideSupportedCalendar

    public var description: String {
        switch self {
        case .malformed: "not a valid date"
        case .outsideSupportedCalendar: "outside the supported calendar"
        }
    }
}
