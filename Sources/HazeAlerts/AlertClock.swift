import Foundation
import HazeModel

/// What "now" is for an alert run: the hour the system clock is in (hours
/// since 1970-01-01T00:00Z, rounded down), unless a test or `--now` fixes it.
/// A cron run evaluates the data up to the newest hour the store holds and
/// the `feed` rules up to now, so a feed that stopped is noticed.
///
/// Deliveries read the same clock to the second (rate limits, signatures,
/// the delivery log) and wait through it (`sleep`): a test injects a clock
/// whose sleep only moves its own time forward, so rate limits and retries
/// are tested without real waiting.
public struct AlertClock: Sendable {
    private let read: @Sendable () -> Date
    private let pause: @Sendable (Double) -> Void

    /// A clock reading the time from `read`; `sleep` waits that many seconds (a test's clock moves its own time instead).
    public init(_ read: @escaping @Sendable () -> Date,
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: max(0, $0)) }) {
        self.read = read
        self.pause = sleep
    }

    /// The system's clock, waiting for real.
    public static let system = AlertClock { Date() }

    /// A clock standing at the start of `hour` (for tests and re-runs).
    public static func fixed(_ hour: Hour) -> AlertClock {
        AlertClock { Date(timeIntervalSince1970: Double(hour.index) * 3600) }
    }

    /// The hour "now" falls in (UTC hours since 1970, rounded down).
    public func hour() -> Hour {
        Hour(Int((read().timeIntervalSince1970 / 3600).rounded(.down)))
    }

    /// Now, to the second and below.
    public func date() -> Date { read() }

    /// Seconds since 1970-01-01T00:00Z.
    public func seconds() -> Double { read().timeIntervalSince1970 }

    /// Waits `seconds` (a test clock moves its time instead).
    package func sleep(_ seconds: Double) { pause(seconds) }
}
