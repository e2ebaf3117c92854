import HazeModel

/// GB 3095 Table 4's validity of a statistic over whole calendar months:
/// every month needs ≥ 27 valid daily values (February ≥ 25), and a whole
/// calendar year also ≥ 324 (RULES.md §8; DOMAIN.md §1.2). Applied to the
/// monthly and multi-month statistics too (the DOMAIN default).
public struct PeriodValidity: Sendable, Equatable {
    /// The months of the period, oldest first.
    public var months: [Month]

    /// The valid-day rules of a period made of `months` (a whole calendar year adds the ≥ 324 days rule).
    public init(months: [Month]) { self.months = months }

    /// Whether the months are one whole calendar year (then ≥ 324 days too).
    package var isCalendarYear: Bool {
        months.count == 12 && months.first?.month == 1 && months.first?.year == months.last?.year
    }

    /// What a set of valid-day counts (one per month, in order) lacks, if anything.
    package func shortfall(_ validDaysByMonth: [Int]) -> Shortfall? {
        var short: [(Month, Int, Int)] = []
        for (month, count) in zip(months, validDaysByMonth) where count < Validity.minimumDays(in: month) {
            short.append((month, count, Validity.minimumDays(in: month)))
        }
        let total = validDaysByMonth.reduce(0, +)
        let yearShort = isCalendarYear && total < Validity.minimumDaysPerYear
        guard !short.isEmpty || yearShort else { return nil }
        return Shortfall(months: short.map { .init(month: $0.0, validDays: $0.1, required: $0.2) },
                         year: yearShort ? .init(validDays: total, required: Validity.minimumDaysPerYear) : nil)
    }

    /// Why a statistic is invalid: the months short of days, and the year's total.
    package struct Shortfall: Sendable, Equatable {
        package struct MonthShort: Sendable, Equatable {
            package var month: Month
            package var validDays: Int
            package var required: Int
        }
        package struct YearShort: Sendable, Equatable {
            package var validDays: Int
            package var required: Int
        }
        package var months: [MonthShort]
        package var year: YearShort?

        /// `2019-02 22/25 days` …, `324: 300 days` — for notes.
        package func text(_ chinese: Bool) -> String {
            var parts = months.map { short in
                chinese ? "\(short.month.year)年\(short.month.month)月有效天数\(short.validDays)/\(short.required)"
                        : "\(short.month) \(short.validDays)/\(short.required) valid days"
            }
            if let year {
                parts.append(chinese ? "全年有效天数\(year.validDays)/\(year.required)"
                                     : "\(year.validDays)/\(year.required) valid days in the year")
            }
            return parts.joined(separator: chinese ? "，" : ", ")
        }
    }
}
