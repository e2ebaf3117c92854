import HazeModel

/// The period a ledger settles: a month, a quarter or a calendar year.
public enum CompensationPeriod: Sendable, Equatable, CustomStringConvertible {
    case month(Month)
    case quarter(year: Int, quarter: Int)
    case year(Int)

    /// The scheme period this is.
    public var kind: CompensationScheme.Period {
        switch self {
        case .month: .month
        case .quarter: .quarter
        case .year: .year
        }
    }

    /// The calendar months of the period, in order.
    public var months: [Month] {
        switch self {
        case .month(let month): return [month]
        case .quarter(let year, let quarter):
            return (1...3).compactMap { Month(year: year, month: (quarter - 1) * 3 + $0) }
        case .year(let year):
            return (1...12).compactMap { Month(year: year, month: $0) }
        }
    }

    /// The same period a year earlier (nil before the supported calendar).
    package var yearEarlier: CompensationPeriod? {
        switch self {
        case .month(let month): month.yearEarlier.map { .month($0) }
        case .quarter(let year, let quarter): Month(year: year - 1, month: 1) == nil ? nil : .quarter(year: year - 1, quarter: quarter)
        case .year(let year): Month(year: year - 1, month: 1) == nil ? nil : .year(year - 1)
        }
    }

    /// `2019-01`, `2019Q1`, `2019`.
    public var description: String {
        switch self {
        case .month(let month): month.description
        case .quarter(let year, let quarter): "\(year)Q\(quarter)"
        case .year(let year): String(year)
        }
    }

    /// `2019年1月`, `2019年第1季度`, `2019年` / `January 2019`, `2019 Q1`, `2019`.
    public func label(_ language: Language) -> String {
        switch self {
        case .month(let month): language.month(month)
        case .quarter(let year, let quarter): language.text("\(year)年第\(quarter)季度", "\(year) Q\(quarter)")
        case .year(let year): language.text("\(year)年", String(year))
        }
    }

    /// Parses `2019Q1`, `2019-Q1` or `2019q1` in the supported calendar.
    public static func quarter(parsing text: String) -> CompensationPeriod? {
        let upper = text.uppercased().replacingOccurrences(of: "-Q", with: "Q")
        let parts = upper.split(separator: "Q", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 1, let year = Int(parts[0]), let quarter = Int(parts[1]),
              (1...4).contains(quarter), SupportedCalendar.years.contains(year) else { return nil }
        return .quarter(year: year, quarter: quarter)
    }
}
