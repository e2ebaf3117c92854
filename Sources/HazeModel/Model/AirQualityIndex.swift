/// Individual air-quality index (IAQI) for PM from 24-hour means, HJ 633.
///
/// HJ 633—2012 applied until 2026-02-28; HJ 633—2026 moved only the IAQI 100
/// breakpoint (PM2.5 75 → 60, PM10 150 → 120). haze stores PM only, so its AQI
/// is the larger of the two PM IAQIs ("PM AQI"), which is what heavy-pollution
/// episodes in the PM-dominated winter turn on.
public enum AirQualityIndex {
    static let iaqiSteps: [Double] = [0, 50, 100, 150, 200, 300, 400, 500]

    static func breakpoints(_ pollutant: Pollutant, on date: CivilDate) -> [Double] {
        let is2026 = date >= AirQualityStandard.edition2026Start
        switch pollutant {
        case .pm25: return [0, 35, is2026 ? 60 : 75, 115, 150, 250, 350, 500]
        case .pm10: return [0, 50, is2026 ? 120 : 150, 250, 350, 420, 500, 600]
        }
    }

    /// IAQI of a 24-hour mean concentration, rounded up to an integer as the
    /// standard requires. The concentration is first rounded to a whole µg/m³
    /// (GB/T 8170). Concentrations above the top breakpoint give 500.
    public static func iaqi(_ pollutant: Pollutant, dailyMean: Double, on date: CivilDate) -> Int {
        let c = Double(GBT8170.roundToInteger(dailyMean))
        let bp = breakpoints(pollutant, on: date)
        if c >= bp[bp.count - 1] { return 500 }
        for i in 1..<bp.count where c <= bp[i] {
            let lo = bp[i - 1], hi = bp[i]
            let value = (iaqiSteps[i] - iaqiSteps[i - 1]) / (hi - lo) * (c - lo) + iaqiSteps[i - 1]
            // Between two IAQI steps by construction (0…500): no conversion can trap.
            return Int(min(max((value - 1e-9).rounded(.up), 0), 500))
        }
        return 500
    }

    /// AQI from the PM daily means that are available (nil if none is).
    public static func pmAQI(pm25: Double?, pm10: Double?, on date: CivilDate) -> Int? {
        let values = [pm25.map { iaqi(.pm25, dailyMean: $0, on: date) },
                      pm10.map { iaqi(.pm10, dailyMean: $0, on: date) }].compactMap { $0 }
        return values.max()
    }
}
