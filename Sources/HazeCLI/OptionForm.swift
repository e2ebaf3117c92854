import HazeModel

/// What a value option accepts, declared with the option in its
/// `CommandSpec`. Every value is checked against it when the command line is
/// parsed — before any file is read or any store opened — through the one
/// checked path for numbers (`ExternalNumber`) and the supported calendar
/// (years 1900–2200) for dates. A value outside is a usage error (exit 64)
/// naming the option and what it accepts; `--help` shows the range.
package enum OptionForm: Sendable, Equatable {
    /// A whole number in digits, within the range.
    case wholeNumber(ClosedRange<Int>)
    /// A decimal number (`2.5`, `1e3`), finite, within the range.
    case decimal(ClosedRange<Double>)
    /// `YYYY-MM-DD` or `YYYYMMDD`, of the supported calendar.
    case date
    /// `YYYY-MM`, of the supported calendar.
    case month
    /// `YYYY`, of the supported calendar.
    case year
    /// An ISO-8601 hour (`2019-01-12T08:00+08:00`), of the supported calendar, offset within ±14:00.
    case hour

    /// What the form accepts: `a whole number in 1…600`.
    package var expected: String {
        switch self {
        case .wholeNumber(let range): "a whole number in \(ExternalNumber.show(range))"
        case .decimal(let range): "a number in \(ExternalNumber.show(range))"
        case .date: "a date like 2019-01-31 of \(SupportedCalendar.description)"
        case .month: "a month like 2019-01 (YYYY-MM) of \(SupportedCalendar.description)"
        case .year: "a year in \(ExternalNumber.show(SupportedCalendar.years)) (the supported calendar), like 2019"
        case .hour: "a whole hour like 2019-01-12T08:00+08:00 of \(SupportedCalendar.description), its UTC offset within ±14:00"
        }
    }

    /// Appended to the option's help line.
    var helpNote: String {
        switch self {
        case .wholeNumber(let range): "[\(ExternalNumber.show(range))]"
        case .decimal(let range): "[\(ExternalNumber.show(range))]"
        case .date, .month, .year, .hour: "[\(SupportedCalendar.description)]"
        }
    }

    /// The value checked and converted.
    func read(_ text: String, option: String, zone: LocalZone = .utc) throws(UsageError) -> OptionValue {
        func refuse(_ problem: String) -> UsageError {
            .refusedValue(option: option, value: text, problem: problem, accepted: expected)
        }
        switch self {
        case .wholeNumber(let range):
            switch ExternalNumber.wholeNumber(text, in: range) {
            case .success(let n): return .whole(n)
            case .failure(let refusal): throw refuse(refusal.problemText)
            }
        case .decimal(let range):
            switch ExternalNumber.decimal(text, in: range) {
            case .success(let n): return .decimal(n)
            case .failure(let refusal): throw refuse(refusal.problemText)
            }
        case .date:
            switch CivilDate.parse(text) {
            case .success(let date): return .date(date)
            case .failure(let refusal): throw refuse(refusal.description)
            }
        case .month:
            switch Month.parse(text) {
            case .success(let month): return .month(month)
            case .failure(.malformed): throw refuse("not a valid month")
            case .failure(let refusal): throw refuse(refusal.description)
            }
        case .year:
            switch ExternalNumber.wholeNumber(text, in: SupportedCalendar.years) {
            case .success(let year): return .year(year)
            case .failure(let refusal):
                throw refuse(refusal.problem == .outOfRange ? CalendarRefusal.outsideSupportedCalendar.description : refusal.problemText)
            }
        case .hour:
            switch ISOHour.parse(text, defaultZone: zone) {
            case .success(let hour): return .hour(hour)
            case .failure(let failure): throw refuse(failure.description)
            }
        }
    }
}

/// A value option after its check.
enum OptionValue: Sendable, Equatable {
    case whole(Int)
    case decimal(Double)
    case date(CivilDate)
    case month(Month)
    case year(Int)
    case hour(Hour)
}
