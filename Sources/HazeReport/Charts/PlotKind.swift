/// The kinds of chart `haze plot` draws.
public enum PlotKind: String, Sendable, CaseIterable {
    /// Values over time with the limit in force and optional AQI band.
    case timeseries
    /// Daily means in a calendar, coloured by AQI category.
    case calendar
    /// Mean and interquartile range by hour of day.
    case diurnal
    /// Mean and interquartile range by day of week.
    case weekday
    /// Each unit's monthly rank over a run of months.
    case bump
    /// PM2.5/PM10 over time.
    case ratio

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .timeseries: "values by hour, day or month, the Grade II limit in force as a stepped line, gaps where invalid, --aqi-band"
        case .calendar: "daily means in a month or year calendar, each day coloured by its AQI category, value in the cell"
        case .diurnal: "mean and interquartile band by hour of day (scattered coal shows at night, traffic at rush hours)"
        case .weekday: "mean and interquartile band by day of week"
        case .bump: "every unit's monthly rank over the months of the period (--level, --city; --highlight a unit)"
        case .ratio: "PM2.5/PM10 by day or hour (fugitive dust shows as a low ratio)"
        }
    }
}
