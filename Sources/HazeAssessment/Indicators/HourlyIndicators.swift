import HazeModel
import HazeStore

extension Aggregation {
    /// A unit's (or station's) concentrations at an hour: for each pollutant
    /// the mean of the members' values present, rounded half to even to the
    /// published precision (whole µg/m³, CO tenths of mg/m³); pollutants
    /// without a value are absent.
    func hourlyConcentrations(_ unit: UnitSeries, at hour: Hour) -> ComponentValues<Pollutant> {
        var values = ComponentValues<Pollutant>()
        for pollutant in Pollutant.allCases {
            let series = unit.series(pollutant)
            if series.isEmpty { continue }
            if series.count == 1 {
                if let value = store.value(series[0], at: hour) { values[pollutant] = value }
            } else {
                var sum = 0, count = 0
                for s in series { if let v = store.value(s, at: hour) { sum += v; count += 1 } }
                if count > 0 { values[pollutant] = GBT8170.roundRatio(sum, count) }
            }
        }
        return values
    }

    /// The 24-hour moving mean ending at `hour` (the labels `hour − 23 … hour`,
    /// across days): the mean of the hourly values present (for several
    /// series, of their hourly means), unrounded, valid with ≥ `minimumHours`
    /// values (GB 3095 Table 4's 20 by default; CNEMC publishes its own
    /// moving means with as few as one, RULES.md §5.3).
    func moving24(_ series: [Int], ending hour: Hour, minimumHours: Int = Validity.minimumHoursPerDay) -> Aggregate {
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

    /// The 24-hour moving means ending at every hour of `hours` (as
    /// `moving24(_:ending:minimumHours:)` gives for each), in one pass over
    /// the hours: a station's moving means are exact sums of its values.
    func moving24(_ series: [Int], over hours: Range<Hour>, minimumHours: Int = Validity.minimumHoursPerDay) -> [Aggregate] {
        guard !hours.isEmpty else { return [] }
        let first = hours.lowerBound.advanced(by: -23)
        var sums: [Int] = []      // numerators over a common denominator per hour
        var denominators: [Int] = []
        sums.reserveCapacity(hours.count + 23)
        for h in first ..< hours.upperBound {
            var sum = 0, count = 0
            for s in series { if let v = store.value(s, at: h) { sum += v; count += 1 } }
            sums.append(sum)
            denominators.append(count)
        }
        var result: [Aggregate] = []
        result.reserveCapacity(hours.count)
        if series.count == 1 {
            // Exact: one value (or none) per hour.
            var windowSum = 0, windowCount = 0
            for i in 0 ..< sums.count {
                windowSum += sums[i]
                windowCount += denominators[i]
                if i >= 24 { windowSum -= sums[i - 24]; windowCount -= denominators[i - 24] }
                guard i >= 23 else { continue }
                result.append(windowCount == 0 ? Aggregate(mean: nil, count: 0, isValid: false)
                              : Aggregate(mean: Double(windowSum) / Double(windowCount), count: windowCount,
                                          isValid: windowCount >= minimumHours))
            }
            return result
        }
        for end in 23 ..< sums.count {
            var sum = 0.0, count = 0
            for i in end - 23 ... end where denominators[i] > 0 {
                sum += Double(sums[i]) / Double(denominators[i])
                count += 1
            }
            result.append(count == 0 ? Aggregate(mean: nil, count: 0, isValid: false)
                          : Aggregate(mean: sum / Double(count), count: count, isValid: count >= minimumHours))
        }
        return result
    }

    /// The real-time AQI of many stations or units at one hour (the AQI of a
    /// whole network's hour), reading the hour's row once; the same values as
    /// `realTimeAQI(_:at:)` for each.
    func realTimeAQI(_ units: [UnitSeries], at hour: Hour) -> [AQIResult] {
        let date = store.zone.day(of: hour).date
        guard let row = store.row(at: hour) else {
            return units.map { AirQualityIndex.realTime(ComponentValues(), monitored: $0.monitored, so2Moving24h: nil, on: date) }
        }
        let limit = AQIItem.so2_1h.breakpoints(.hj633_2012).last ?? 800
        return units.map { unit in
            var values = ComponentValues<Pollutant>()
            for pollutant in Pollutant.allCases {
                let series = unit.series(pollutant)
                if series.count == 1 {
                    values[pollutant] = row[series[0]]
                } else if !series.isEmpty {
                    var sum = 0, count = 0
                    for s in series { if let v = row[s] { sum += v; count += 1 } }
                    if count > 0 { values[pollutant] = GBT8170.roundRatio(sum, count) }
                }
            }
            var so2Moving: Double?
            if let so2 = values[.so2], so2 > limit { so2Moving = moving24(unit.series(.so2), ending: hour).validMean }
            return AirQualityIndex.realTime(values, monitored: unit.monitored, so2Moving24h: so2Moving, on: date)
        }
    }

    /// The real-time AQI of a unit's (or station's) hour, by the HJ 633
    /// edition in force on the hour's date (RULES.md §5.1): the pollutants a
    /// member has a series for are "monitored", so a missing one counts under
    /// HJ 633—2026 §5.3.1.
    func realTimeAQI(_ unit: UnitSeries, at hour: Hour) -> AQIResult {
        let values = hourlyConcentrations(unit, at: hour)
        var so2Moving: Double?
        if let so2 = values[.so2], so2 > (AQIItem.so2_1h.breakpoints(.hj633_2012).last ?? 800) {
            so2Moving = moving24(unit.series(.so2), ending: hour).validMean
        }
        return AirQualityIndex.realTime(values, monitored: unit.monitored, so2Moving24h: so2Moving,
                                        on: store.zone.day(of: hour).date)
    }
}
