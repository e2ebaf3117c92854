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

    /// The first day of GB 3095—2026 (and HJ 633—2026, HJ 663—2026).
    package static let edition2026Start = CivilDate(year: 2026, month: 3, day: 1)!
    /// The first day of GB 3095—2026's final limits.
    package static let finalLimitsStart = CivilDate(year: 2031, month: 1, day: 1)!

    /// The first days of both, as day numbers: a ranking asks for the edition
    /// of every unit and day, and turning each day into a date was a tenth of its statistics.
    package static let edition2026StartDay = Day(edition2026Start)
    private static let finalLimitsStartDay = Day(finalLimitsStart)

    /// The edition in force on a date.
    package static func inForce(on date: CivilDate) -> AirQualityStandard { inForce(on: Day(date)) }

    /// The edition in force on a day.
    package static func inForce(on day: Day) -> AirQualityStandard {
        if day < edition2026StartDay { return .gb3095_2012 }
        if day < finalLimitsStartDay { return .gb3095_2026Transitional }
        return .gb3095_2026
    }

    /// A short citation for reports, e.g. `GB 3095-2012`.
    package var citation: String {
        switch self {
        case .gb3095_2012: "GB 3095-2012"
        case .gb3095_2026Transitional: "GB 3095-2026 (transitional limits)"
        case .gb3095_2026: "GB 3095-2026"
        }
    }

    /// The short name of the limit set, as `--limits` takes it: `2012`, `2026`, `2031`.
    public var setName: String {
        switch self {
        case .gb3095_2012: "2012"
        case .gb3095_2026Transitional: "2026"
        case .gb3095_2026: "2031"
        }
    }

    /// The limit set named `2012`, `2026` or `2031`.
    public init?(setName: String) {
        guard let found = Self.allCases.first(where: { $0.setName == setName }) else { return nil }
        self = found
    }

    /// Grade II 24-hour limit in the pollutant's stored unit (µg/m³; CO in
    /// tenths of mg/m³, so 40 = 4 mg/m³); for O3 the limit of the daily
    /// maximum 8-hour mean (GB 3095 Table 1).
    package func dailyLimit(_ pollutant: Pollutant) -> Int {
        switch (self, pollutant) {
        case (.gb3095_2012, .pm25): 75
        case (.gb3095_2012, .pm10): 150
        case (.gb3095_2026Transitional, .pm25): 60
        case (.gb3095_2026Transitional, .pm10): 120
        case (.gb3095_2026, .pm25): 50
        case (.gb3095_2026, .pm10): 100
        case (.gb3095_2012, .so2), (.gb3095_2026Transitional, .so2): 150
        case (.gb3095_2026, .so2): 50
        case (.gb3095_2012, .no2), (.gb3095_2026Transitional, .no2): 80
        case (.gb3095_2026, .no2): 50
        case (_, .co): 40
        case (_, .o3): 160
        }
    }

    /// Grade II annual limit in µg/m³ (PM2.5, PM10, SO2, NO2); nil for CO
    /// and O3, which GB 3095 limits by 24-hour and 8-hour values only.
    package func annualLimit(_ pollutant: Pollutant) -> Int? {
        switch (self, pollutant) {
        case (.gb3095_2012, .pm25): 35
        case (.gb3095_2012, .pm10): 70
        case (.gb3095_2026Transitional, .pm25): 30
        case (.gb3095_2026Transitional, .pm10): 60
        case (.gb3095_2026, .pm25): 25
        case (.gb3095_2026, .pm10): 50
        case (.gb3095_2012, .so2), (.gb3095_2026Transitional, .so2): 60
        case (.gb3095_2026, .so2): 20
        case (.gb3095_2012, .no2), (.gb3095_2026Transitional, .no2): 40
        case (.gb3095_2026, .no2): 30
        case (_, .co), (_, .o3): nil
        }
    }

    /// Grade II 1-hour limit in the stored unit (SO2, NO2, CO, O3); nil for PM.
    func hourlyLimit(_ pollutant: Pollutant) -> Int? {
        switch (self, pollutant) {
        case (.gb3095_2012, .so2), (.gb3095_2026Transitional, .so2): 500
        case (.gb3095_2026, .so2): 150
        case (_, .no2): 200
        case (_, .co): 100
        case (_, .o3): 200
        case (_, .pm25), (_, .pm10): nil
        }
    }

    /// Sᵢ of the composite index (综合指数, HJ 663 / the national ranking
    /// rule) in the stored unit: the annual Grade II limit for PM2.5, PM10,
    /// SO2 and NO2, the 24-hour limit for CO (4 mg/m³ = 40 tenths) and the
    /// daily maximum 8-hour limit for O3 (160 µg/m³).
    package func compositeLimit(_ pollutant: Pollutant) -> Int {
        annualLimit(pollutant) ?? dailyLimit(pollutant)
    }
}

/// GB 3095 Table 4 validity rules (unchanged in 2026), and HJ 663 §6.1.2's
/// rule for the O3 daily maximum 8-hour mean.
package enum Validity {
    /// A daily mean needs at least this many valid hourly values.
    package static let minimumHoursPerDay = 20
    /// An 8-hour O3 mean needs at least this many valid hourly values.
    package static let minimumHoursPer8Hours = 6
    /// The O3 daily maximum 8-hour mean needs at least this many valid 8-hour
    /// means among the windows ending at the day's 8th … 24th hour — or,
    /// with fewer, a rounded value above the Grade II limit (160 µg/m³).
    static let minimum8HourWindows = 14
    /// A month needs at least this many valid daily means (February: 25).
    package static func minimumDays(in month: Month) -> Int { month.isFebruary ? 25 : 27 }
    /// A year needs at least this many valid daily means.
    package static let minimumDaysPerYear = 324
}
