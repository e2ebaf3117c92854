/// A calendar date (proleptic Gregorian), free of any time zone.
///
/// Conversions use Howard Hinnant's days-from-civil algorithm, so a row's date
/// is turned into a day number with a few integer operations and no Foundation
/// calendar per row. A date has a year 1–9999 (and 10000-01-01 may come
/// from `init(dayNumber:)` as the day after the last, see `Day`); dates from
/// outside are further limited to `SupportedCalendar` by `parse`.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1–9999 (10000 only for the day after the last).
    public let year: Int
    /// The month of the year, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// The years a date can hold.
    static let representableYears: ClosedRange<Int> = 1...9999

    /// Creates a date, or `nil` if the fields do not name a real day of years 1–9999.
    public init?(year: Int, month: Int, day: Int) {
        guard Self.representableYears.contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of a day number (days since 1970-01-01). Day numbers beyond
    /// 0001-01-01 … 10000-01-01 are clamped to those dates (see `Day`).
    public init(dayNumber: Int) {
        let clamped = Day.clamp(dayNumber)
        let z = clamped + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    package var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD` from outside: a real day of the
    /// supported calendar (years 1900–2200), or why not.
    public static func parse(_ text: some StringProtocol) -> Result<CivilDate, CalendarRefusal> {
        let bytes = Array(text.utf8)
        let digitPositions: [Int]
        switch bytes.count {
        case 8: digitPositions = Array(0..<8)
        case 10:
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return .failure(.malformed) }
            digitPositions = [0, 1, 2, 3, 5, 6, 8, 9]
        default: return .failure(.malformed)
        }
        guard digitPositions.allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }) else { return .failure(.malformed) }
        func number(_ range: Range<Int>) -> Int {
            range.reduce(0) { $0 * 10 + Int(bytes[digitPositions[$1]] - 48) }
        }
        guard let date = CivilDate(year: number(0..<4), month: number(4..<6), day: number(6..<8)) else {
            return .failure(.malformed)
        }
        guard SupportedCalendar.contains(date) else { return .failure(.outsideSupportedCalendar) }
        return .success(date)
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD`; nil unless a real day of the supported calendar.
    public init?(parsing text: some StringProtocol) {
        guard case .success(let date) = Self.parse(text) else { return nil }
        self = date
    }

    public var description: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    package static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
