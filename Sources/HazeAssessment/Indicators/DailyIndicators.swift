import HazeModel
import HazeStore

/// A station's or unit's valid daily values of the items HJ 633 and HJ 663
/// use, exact (unrounded), in each pollutant's stored unit (µg/m³; CO tenths
/// of mg/m³): the SO2, NO2, CO, PM10 and PM2.5 daily means (≥ 20 hours), the
/// O3 daily maximum 8-hour mean (`.o3_8h`, HJ 663 §6.1.2 validity) and the O3
/// daily maximum 1-hour value (`.o3_1h`, ≥ 20 hours). An item without a valid
/// value is absent.
///
/// For a unit each item is the mean of its member stations' valid values
/// that day (HJ 663: the city value is the mean of the assessment stations'
/// values; the AQI is computed from those means, never from station AQIs),
/// with at least one station (RULES.md §7).
public struct DailyIndicators: Sendable, Equatable {
    /// The assessment day.
    public var day: Day
    /// Each item's daily value (stored units: µg/m³, CO in tenths of mg/m³), unrounded; an item without a valid value is absent.
    public var values: [AQIComponent: Double]
    /// Stations whose valid value went into each item (1 for a station).
    public var stations: [AQIComponent: Int]

    package init(day: Day, values: [AQIComponent: Double], stations: [AQIComponent: Int]) {
        self.day = day
        self.values = values
        self.stations = stations
    }

    /// The daily items, in report order.
    public static let items: [AQIComponent] = [.so2, .no2, .co, .pm10, .pm25, .o3_8h, .o3_1h]

    /// The item whose daily value assesses a pollutant (O3: its MDA8).
    public static func item(_ pollutant: Pollutant) -> AQIComponent {
        pollutant == .o3 ? .o3_8h : AQIComponent.hourly(pollutant)
    }

    /// The pollutant's assessed daily value (O3: the MDA8), if valid.
    public func value(_ pollutant: Pollutant) -> Double? { values[Self.item(pollutant)] }

    /// The day's AQI by the HJ 633 edition in force on it.
    public var aqi: AQIResult { AirQualityIndex.daily(values, on: day.date) }

    /// The valid values of one station's day.
    public init(station daily: (Pollutant) -> DailyValue?, on day: Day) {
        var values: [AQIComponent: Double] = [:]
        for pollutant in Pollutant.allCases {
            guard let value = daily(pollutant) else { continue }
            if pollutant == .o3 {
                if let o3 = value.o3 {
                    if let mda8 = o3.validMDA8(on: day.date) { values[.o3_8h] = mda8 }
                    if let top = o3.validMaximumHour { values[.o3_1h] = Double(top) }
                }
            } else if let mean = value.validMean {
                values[.hourly(pollutant)] = mean
            }
        }
        self.init(day: day, values: values, stations: values.mapValues { _ in 1 })
    }
}

/// A unit's series, by pollutant: the store indices of its stations' series.
struct UnitSeries: Sendable, Equatable {
    /// Indexed by `Pollutant.compactIndex`.
    private var lists: [[Int]]
    /// Pollutants at least one member measures (has a series for).
    let monitored: ComponentSet<Pollutant>

    init(byPollutant: [Pollutant: [Int]]) {
        var lists = [[Int]](repeating: [], count: Pollutant.allCases.count)
        var monitored = ComponentSet<Pollutant>()
        for (pollutant, series) in byPollutant where !series.isEmpty {
            lists[pollutant.compactIndex] = series
            monitored.insert(pollutant)
        }
        self.lists = lists
        self.monitored = monitored
    }

    @inline(__always) func series(_ pollutant: Pollutant) -> [Int] { lists[pollutant.compactIndex] }
}

extension Aggregation {
    /// The series of `stations` for every pollutant (stations never ingested are left out).
    func unitSeries(of stations: [Station]) -> UnitSeries {
        UnitSeries(byPollutant: Dictionary(uniqueKeysWithValues: Pollutant.allCases.map { ($0, series(of: stations, $0)) }))
    }

    /// The day's valid daily values of a unit (or of one station: a unit of
    /// one), each the mean of the members' valid values. A day whose row fails
    /// its checksum counts as no data here; assessments call `requireIntact`
    /// first so that never happens silently.
    func dailyIndicators(_ unit: UnitSeries, on day: Day) -> DailyIndicators {
        guard let row = try? store.dailyRow(on: day) else { return DailyIndicators(day: day, values: [:], stations: [:]) }
        var sums: [AQIComponent: Double] = [:]
        var counts: [AQIComponent: Int] = [:]
        func add(_ item: AQIComponent, _ value: Double) {
            sums[item, default: 0] += value
            counts[item, default: 0] += 1
        }
        for pollutant in Pollutant.allCases {
            for s in unit.series(pollutant) {
                let value = row[s]
                if pollutant == .o3 {
                    guard let o3 = value.o3 else { continue }
                    if let mda8 = o3.validMDA8(on: day.date) { add(.o3_8h, mda8) }
                    if let top = o3.validMaximumHour { add(.o3_1h, Double(top)) }
                } else if let mean = value.validMean {
                    add(.hourly(pollutant), mean)
                }
            }
        }
        var values: [AQIComponent: Double] = [:]
        for (item, sum) in sums { values[item] = sum / Double(counts[item] ?? 1) }
        return DailyIndicators(day: day, values: values, stations: counts)
    }
}
