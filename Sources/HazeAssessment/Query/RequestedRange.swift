import HazeModel
import HazeStore

/// The bound on the length of a requested date range: no query, ranking or
/// replay may ask for more days than the store can hold, so a typo such as
/// `--from 0001-01-01 --to 9999-12-31` is refused at once, with the reason,
/// instead of allocating rows for 8000 years.
public enum RequestedRange {
    /// Throws unless `days` fit the store: the hourly ring's hours for an
    /// hour-by-hour request, the daily ring's days otherwise.
    public static func check(days: ClosedRange<Day>, hourly: Bool, store: Store) throws(QueryError) {
        let count = days.lowerBound.distance(to: days.upperBound) + 1
        let label = "\(days.lowerBound)…\(days.upperBound)"
        if hourly {
            let hours = count.multipliedReportingOverflow(by: 24)
            guard hours.overflow || hours.partialValue > store.hourlyCapacity else { return }
            throw .rangeTooLong("\(label) is \(count) days of hours, but the store's hourly ring keeps \(store.hourlyCapacity) hours (\(store.hourlyCapacity / 24) days); ask for at most \(store.hourlyCapacity / 24) days hour by hour, or a coarser resolution")
        }
        guard count > store.dailyCapacity else { return }
        throw .rangeTooLong("\(label) is \(count) days, but the store's daily ring keeps \(store.dailyCapacity) days; ask for at most \(store.dailyCapacity) days")
    }
}
