/// The GB 3095 concentration limits and data-validity rules, by date.
///
/// GB 3095—2012 applied until 2026-02-28; GB 3095—2026 applies from
/// 2026-03-01 with transitional limits until 2030-12-31 and its final limits
/// from 2031-01-01. Every judgement takes the edition in force on the day
/// being judged, never a hard-coded number.
public enum AirQualityStandard: Sendable, Hashable, CaseIterable {
    case gb3095_2012
    case gb3095_2026Transitional
    case gb3095_2026

    static let edition2026Start = CivilDate(year: 2026, month: 3, day: 1)!
    static let finalLimitsStart = CivilDate(year: 2031, month: 1, day: 1)!

    /// The edition in force on a date.
    public static func inForce(on date: CivilDate) -> AirQualityStandard {
        if date < edition2026Start { return .gb3095_2012 }
        if date < finalLimitsStart { return .gb3095_2026Transitional }
        return .gb3095_2026
    }

    public static func inForce(on day: Day) -> AirQualityStandard { inForce(on: day.date) }

    /// A short citation for reports, e.g. `GB 3095-2012`.
    public var citation: String {
        switch self {
        case .gb3095_2012: "GB 3095-2012"
        case .gb3095_2026Transitional: "GB 3095-2026 (transitional limits)"
        case .gb3095_2026: "GB 3095-2026"
        }
    }

    /// Grade II 24-hour limit in µg/m³.
    public func dailyLimit(_ pollutant: Pollutant) -> Int {
        switch (self, pollutant) {
        case (.gb3095_2012, .pm25): 75
        case (.gb3095_2012, .pm10): 150
        case (.gb3095_2026Transitional, .pm25): 60
        case (.gb3095_2026Transitional, .pm10): 120
        case (.gb3095_2026, .pm25): 50
        case (.gb3095_2026, .pm10): 100
        }
    }

    /// Grade II annual limit in µg/m³.
    public func annualLimit(_ pollutant: Pollutant) -> Int {
        switch (self, pollutant) {
        case (.gb3095_2012, .pm25): 35
        case (.gb3095_2012, .pm10): 70
        case (.gb3095_2026Transitional, .pm25): 30
        case (.gb3095_2026Transitional, .pm10): 60
        case (.gb3095_2026, .pm25): 25
        case (.gb3095_2026, .pm10): 50
        }
    }
}

/// GB 3095 Table 4 validity rules for PM10 and PM2.5 (unchanged in 2026).
public enum Validity {
    /// A daily mean needs at least this many valid hourly values.
    public static let minimumHoursPerDay = 20
    /// A month needs at least this many valid daily means (February: 25).
    public static func minimumDays(in month: Month) -> Int { month.isFebruary ? 25 : 27 }
    /// A year needs at least this many valid daily means.
    public static let minimumDaysPerYear = 324
}
