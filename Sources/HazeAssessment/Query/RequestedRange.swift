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
            guard hours.overflow || hours.partialValue > store.hourlyCapacity else {
                try checkHoursHeld(days: days, store: store)
                return
            }
            throw .rangeTooLong("\(label) is \(count) days of hours, but the store's hourly ring keeps \(store.hourlyCapacity) hours (\(store.hourlyCapacity / 24) days); ask for at most \(store.hourlyCapacity / 24) days hour by hour, or a coarser resolution")
        }
        guard count > store.dailyCapacity else { return }
        throw .rangeTooLong("\(label) is \(count) days, but the store's daily ring keeps \(store.dailyCapacity) days; ask for at most \(store.dailyCapacity) days")
    }

    /// Throws when hours before the hourly ring's window are asked for: they
    /// were in the store once and have been overwritten (the ring keeps the
    /// newest `hourlyCapacity` hours), so an empty row would hide a loss of
    /// view. Their days are still in the daily ring.
    static func checkHoursHeld(days: ClosedRange<Day>, store: Store) throws(QueryError) {
        guard let window = store.hourlyWindow else { return }
        let first = store.zone.firstHour(of: days.lowerBound)
        guard first < window.lowerBound else { return }
        let kept = store.dailyWindow.map { "; their days are in the daily ring (\($0.lowerBound)…\($0.upperBound)): ask with --resolution day" } ?? ""
        throw .hoursNotHeld("hours before \(store.zone.format(window.lowerBound)) are no longer in the hourly ring, which keeps the newest \(store.hourlyCapacity) hours (\(store.hourlyCapacity / 24) days); \(days.lowerBound)…\(days.upperBound) asks for hours from \(store.zone.format(first))\(kept)")
    }
}
