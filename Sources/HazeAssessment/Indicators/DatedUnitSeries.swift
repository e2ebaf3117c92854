import HazeModel
import HazeStore

/// A unit's series for every pollutant, day by day: one `UnitSeries` per run
/// of days with the same members (`RankingUnit.periods`), so indicators over a
/// period follow the dated lists and memberships as the PM rankings do.
struct DatedUnitSeries: Sendable {
    struct Run: Sendable {
        var days: Range<Day>
        var series: UnitSeries
    }
    private var runs: [Run]
    private static let none = UnitSeries(byPollutant: [:])

    init(runs: [(days: Range<Day>, series: UnitSeries)]) {
        self.runs = runs.map { Run(days: $0.days, series: $0.series) }.sorted { $0.days.lowerBound < $1.days.lowerBound }
    }

    /// The series of the day's members (none on a day without members).
    func on(_ day: Day) -> UnitSeries {
        var low = 0, high = runs.count
        while low < high {
            let mid = (low + high) / 2
            if runs[mid].days.upperBound <= day { low = mid + 1 } else { high = mid }
        }
        guard low < runs.count, runs[low].days.contains(day) else { return Self.none }
        return runs[low].series
    }

    /// Pollutants some member measures on some day.
    var monitored: ComponentSet<Pollutant> {
        runs.reduce(into: ComponentSet<Pollutant>()) { all, run in for p in Pollutant.allCases where run.series.monitored.contains(p) { all.insert(p) } }
    }
}

extension Aggregation {
    /// The series of a unit's members, run by run of its member periods.
    func unitSeries(of unit: RankingUnit) -> DatedUnitSeries {
        DatedUnitSeries(runs: unit.periods.map { ($0.days, unitSeries(of: $0.stations)) })
    }
}
