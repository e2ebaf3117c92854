import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// A subject's values at one resolution, read through `StationQuery` — the
/// code behind `haze query` — so a chart shows exactly the numbers the query
/// prints for the same subject and period.
struct SubjectSeries {
    var slots: [TimeSlot]
    var values: [Pollutant: [Aggregate]]

    static func load(store: Store, registry: StationRegistry, subject: Subject, pollutants: [Pollutant],
                     from: CivilDate, to: CivilDate, resolution: Resolution) throws(QueryError) -> SubjectSeries {
        let query = StationQuery(subject: subject, pollutants: pollutants, from: from, to: to, resolution: resolution)
        let rows = try query.run(store: store, registry: registry)
        var values: [Pollutant: [Aggregate]] = [:]
        var slots: [TimeSlot] = []
        for row in rows {
            values[row.pollutant, default: []].append(row.value)
            if row.pollutant == pollutants.first { slots.append(slot(row.time, resolution: resolution)) }
        }
        return SubjectSeries(slots: slots, values: values)
    }

    /// The slot of a row's time: `2019-01-12T08:00+08:00`, `2019-01-12` or `2019-01`.
    static func slot(_ time: String, resolution: Resolution) -> TimeSlot {
        let fallback = CivilDate(dayNumber: 0)
        switch resolution {
        case .hour:
            let date = (try? CivilDate.parse(time.prefix(10)).get()) ?? fallback
            let hour = Int(time.dropFirst(11).prefix(2)) ?? 0
            return TimeSlot(date: date, hourOfDay: hour, isMonth: false, label: time)
        case .day:
            return TimeSlot(date: (try? CivilDate.parse(time).get()) ?? fallback, hourOfDay: nil, isMonth: false, label: time)
        case .month:
            let month = (try? Month.parse(time).get())
            return TimeSlot(date: month?.firstDay.date ?? fallback, hourOfDay: nil, isMonth: true, label: time)
        }
    }

    /// Valid values of a pollutant, slot by slot (nil: none).
    func validValues(_ pollutant: Pollutant) -> [Double?] {
        (values[pollutant] ?? []).map(\.validMean)
    }
}
