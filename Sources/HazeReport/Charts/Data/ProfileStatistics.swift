import HazeModel
import HazeAssessment

/// A profile: the valid hourly values of a period grouped by hour of day
/// (0–23, the store's zone) or by day of week (Monday–Sunday), with each
/// group's mean, quartiles and size.
struct ProfileStatistics: Sendable, Equatable {
    enum Grouping: Sendable { case hourOfDay, weekday }

    struct Group: Sendable, Equatable {
        var count: Int
        var mean: Double?
        var lowerQuartile: Double?
        var upperQuartile: Double?
    }

    var groups: [Group]

    init(slots: [TimeSlot], values: [Aggregate], grouping: Grouping) {
        let size = grouping == .hourOfDay ? 24 : 7
        var samples = [[Double]](repeating: [], count: size)
        for (slot, value) in zip(slots, values) {
            guard let v = value.validMean else { continue }
            let key = grouping == .hourOfDay ? (slot.hourOfDay ?? 0) : CalendarChart.weekday(Day(slot.date))
            if (0 ..< size).contains(key) { samples[key].append(v) }
        }
        groups = samples.map { sample in
            let sorted = sample.sorted()
            return Group(count: sorted.count, mean: sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count),
                         lowerQuartile: Quantile.of(sorted: sorted, 0.25), upperQuartile: Quantile.of(sorted: sorted, 0.75))
        }
    }
}
