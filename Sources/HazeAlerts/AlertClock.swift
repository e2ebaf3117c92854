import Foundation
import HazeModel

/// What "now" is for an alert run: the hour the system clock is in (hours
/// since 1970-01-01T00:00Z, rounded down), unless a test or `--now` fixes it.
/// A cron run evaluates the data up to the newest hour the store holds and
/// the `feed` rules up to now, so a feed that stopped is noticed.
public struct AlertClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    public static let system = AlertClock { Date() }

    /// A clock standing at the start of `hour` (for tests and re-runs).
    public static func fixed(_ hour: Hour) -> AlertClock {
        AlertClock { Date(timeIntervalSince1970: Double(hour.index) * 3600) }
    }

    public func hour() -> Hour {
        Hour(Int((read().timeIntervalSince1970 / 3600).rounded(.down)))
    }
}
