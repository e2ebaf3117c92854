import HazeModel
import HazeStore

extension Aggregation {
    /// A unit's (or station's) concentrations at an hour: for each pollutant
    /// the mean of the members' values present, rounded half to even to the
    /// published precision (whole µg/m³, CO tenths of mg/m³); pollutants
    /// without a value are absent.
    public func hourlyConcentrations(_ unit: UnitSeries, at hour: Hour) -> [Pollutant: Int] {
        var values: [Pollutant: Int] = [:]
        for (pollutant, series) in unit.byPollutant where !series.isEmpty {
            if series.count == 1 {
                if let value = store.value(series[0], at: hour) { values[pollutant] = value }
            } else if let mean = hourly(series, at: hour).mean {
                values[pollutant] = GBT8170.roundToInteger(mean)
            }
        }
        return values
    }

    /// The 24-hour moving mean ending at `hour` (the labels `hour − 23 … hour`,
    /// across days): the mean of the hourly values present (for several
    /// series, of their hourly means), unrounded, valid with ≥ `minimumHours`
    /// values (GB 3095 Table 4's 20 by default; CNEMC publishes its own
    /// moving means with as few as one, RULES.md §5.3).
    public func moving24(_ series: [Int], ending hour: Hour, minimumHours: Int = Validity.minimumHoursPerDay) -> Aggregate {
        var sum = 0.0
        var count = 0
        for h in hour.advanced(by: -23) ... hour {
            if let mean = self.hourly(series, at: h).mean {
                sum += mean
                count += 1
            }
        }
        guard count > 0 else { return Aggregate(mean: nil, count: 0, isValid: false) }
        return Aggregate(mean: sum / Double(count), count: count, isValid: count >= minimumHours)
    }

    /// The real-time AQI of a unit's (or station's) hour, by the HJ 633
    /// edition in force on the hour's date (RULES.md §5.1): the pollutants a
    /// member has a series for are "monitored", so a missing one counts under
    /// HJ 633—2026 §5.3.1.
    public func realTimeAQI(_ unit: UnitSeries, at hour: Hour) -> AQIResult {
        let values = hourlyConcentrations(unit, at: hour)
        var so2Moving: Double?
        if let so2 = values[.so2], so2 > (AQIItem.so2_1h.breakpoints(.hj633_2012).last ?? 800) {
            so2Moving = moving24(unit.series(.so2), ending: hour).validMean
        }
        return AirQualityIndex.realTime(values, monitored: unit.monitored, so2Moving24h: so2Moving,
                                        on: store.zone.day(of: hour).date)
    }
}
