import HazeModel

/// The daily concentrations of one pollutant that fall in each AQI category
/// under the HJ 633 table in force on a date, read from the model's own IAQI
/// function (`AirQualityIndex.iaqi`), so a legend can never disagree with the
/// colours it explains. Concentrations are whole µg/m³, as the IAQI is
/// computed from the rounded daily mean.
struct CategoryTable: Equatable {
    /// Per category, the highest whole concentration in it (nil: open-ended).
    var upperBounds: [AQICategory: Int]

    init(pollutant: Pollutant, on date: CivilDate) {
        var bounds: [AQICategory: Int] = [:]
        var concentration = 0
        // IAQI reaches 500 at the top breakpoint (PM10: 600); beyond is all severe.
        while concentration <= 1000 {
            let category = AQICategory(aqi: AirQualityIndex.iaqi(pollutant, dailyMean: Double(concentration), on: date))
            bounds[category] = concentration
            concentration += 1
        }
        bounds[.severe] = nil
        upperBounds = bounds
    }

    /// `0–35`, `36–75`, …, `>250`.
    func range(_ category: AQICategory) -> String {
        let lower = AQICategory.allCases.filter { $0 < category }.compactMap { upperBounds[$0] }.max().map { $0 + 1 } ?? 0
        guard let upper = upperBounds[category] else { return ">\(lower - 1)" }
        return "\(lower)–\(upper)"
    }

    /// The tables in force over a period: consecutive runs of days with the
    /// same table (one run unless the period crosses a change of HJ 633).
    static func segments(pollutant: Pollutant, days: ClosedRange<Day>) -> [(first: Day, table: CategoryTable)] {
        var result: [(Day, CategoryTable)] = []
        var byEdition: [AirQualityStandard: CategoryTable] = [:]
        var previous: AirQualityStandard?
        for day in days where AirQualityStandard.inForce(on: day) != previous {
            let edition = AirQualityStandard.inForce(on: day)
            previous = edition
            let table = byEdition[edition] ?? CategoryTable(pollutant: pollutant, on: day.date)
            byEdition[edition] = table
            if result.last?.1 != table { result.append((day, table)) }
        }
        return result.map { (first: $0.0, table: $0.1) }
    }
}
