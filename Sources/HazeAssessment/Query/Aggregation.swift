import HazeModel
import HazeStore

/// A value with the count that makes it valid or not.
public struct Aggregate: Hashable, Sendable {
    /// The unrounded mean, nil when there was nothing to average.
    public var mean: Double?
    /// Valid hours for a station-day, contributing stations for a unit-day or
    /// unit-hour, valid days for a month.
    public var count: Int
    /// Whether the GB 3095 validity rule for this resolution is met.
    package var isValid: Bool

    package init(mean: Double?, count: Int, isValid: Bool) {
        self.mean = mean
        self.count = count
        self.isValid = isValid
    }

    /// The mean if valid.
    package var validMean: Double? { isValid ? mean : nil }

    package static let none = Aggregate(mean: nil, count: 0, isValid: false)
}

/// The assessment arithmetic of GB 3095 and HJ 663, over a store.
///
/// A station-day is valid with ≥ 20 hours; a district or city day is the mean
/// of its stations' valid daily means; a month is the mean of its valid days
/// and valid with ≥ 27 of them (February ≥ 25). Nothing is rounded here:
/// rounding happens once, when a value is shown or ranked.
package struct Aggregation {
    package let store: Store

    package init(store: Store) { self.store = store }

    /// Series indices of `stations` for a pollutant (stations never ingested are left out).
    package func series(of stations: [Station], _ pollutant: Pollutant) -> [Int] {
        stations.compactMap { store.index(of: SeriesKey(station: $0.code, pollutant: pollutant)) }
    }

    /// One station-hour, or the mean of several stations' values at that hour.
    package func hourly(_ series: [Int], at hour: Hour) -> Aggregate {
        var sum = 0
        var count = 0
        for s in series {
            if let v = store.value(s, at: hour) {
                sum += v
                count += 1
            }
        }
        return count == 0 ? .none : Aggregate(mean: Double(sum) / Double(count), count: count, isValid: true)
    }

    /// Checks the daily rows of `days` against their checksums (once per
    /// opened store): an assessment over damaged days stops here, before any
    /// figure is computed, and names the day.
    package func requireIntact(_ days: Range<Day>) throws(QueryError) {
        do {
            try store.verifyDailyRows(days)
        } catch {
            throw .storeDamaged(error.description)
        }
    }

    /// Checks the hourly rows of `hours` against their checksums (once per
    /// opened store): a read by the hour stops here, naming the damaged hour,
    /// before it shows or exports any value.
    package func requireIntact(_ hours: Range<Hour>) throws(QueryError) {
        do {
            try store.verifyHourlyRows(hours)
        } catch {
            throw .storeDamaged(error.description)
        }
    }

    /// One station's day: the exact mean and its valid-hour count.
    func stationDay(_ series: Int, on day: Day) -> Aggregate {
        guard let row = try? store.dailyRow(on: day) else { return .none }
        let value = row[series]
        return Aggregate(mean: value.mean, count: value.validHours, isValid: value.isValid)
    }

    /// A unit's day: mean of the valid daily means of its stations. A day
    /// whose row fails its checksum counts as no data here; assessments call
    /// `requireIntact` first so that never happens silently.
    package func unitDay(_ series: [Int], on day: Day) -> Aggregate {
        Self.unitDay(series, in: try? store.dailyRow(on: day))
    }

    /// A unit's day from the day's row (nil: no data that day).
    static func unitDay(_ series: [Int], in row: DailyRow?) -> Aggregate {
        guard let row else { return .none }
        let (sum, count) = row.validMeans(of: series)
        return count == 0 ? .none : Aggregate(mean: sum / Double(count), count: count, isValid: true)
    }

    /// A pollutant's assessed daily value of a station (`asUnit` false: the
    /// first series) or unit: the daily mean, for O3 the daily maximum 8-hour
    /// mean with HJ 663 §6.1.2's validity. `count` is valid hours (O3: valid
    /// 8-hour means) of a station, contributing stations of a unit.
    package func assessedDay(_ series: [Int], _ pollutant: Pollutant, on day: Day, asUnit: Bool) -> Aggregate {
        guard pollutant == .o3 else {
            return asUnit ? unitDay(series, on: day) : stationDay(series.first ?? -1, on: day)
        }
        guard let row = try? store.dailyRow(on: day) else { return .none }
        if !asUnit {
            guard let first = series.first, let o3 = row[first].o3 else { return .none }
            return Aggregate(mean: o3.mda8, count: o3.windows, isValid: o3.isMDA8Valid(on: day.date))
        }
        var sum = 0.0, count = 0
        for s in series {
            if let mda8 = row[s].o3?.validMDA8(on: day.date) { sum += mda8; count += 1 }
        }
        return count == 0 ? .none : Aggregate(mean: sum / Double(count), count: count, isValid: true)
    }

    /// The daily values a month or period is built from.
    package func days(_ series: [Int], in days: Range<Day>, asUnit: Bool) -> [Aggregate] {
        days.map { day in
            asUnit ? unitDay(series, on: day) : stationDay(series.first ?? -1, on: day)
        }
    }

    /// The mean of the valid days of a month, valid with ≥ 27 days (February ≥ 25).
    package static func month(_ month: Month, days: [Aggregate]) -> Aggregate {
        period(days: days, minimumValidDays: Validity.minimumDays(in: month))
    }

    /// The mean of the valid days of any period, with a validity threshold.
    package static func period(days: [Aggregate], minimumValidDays: Int) -> Aggregate {
        let valid = days.compactMap(\.validMean)
        guard !valid.isEmpty else { return Aggregate(mean: nil, count: 0, isValid: false) }
        return Aggregate(mean: valid.reduce(0, +) / Double(valid.count), count: valid.count,
                         isValid: valid.count >= minimumValidDays)
    }
}
