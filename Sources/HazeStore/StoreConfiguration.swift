import HazeModel

/// The fixed shape of a new store. Chosen once, at creation.
public struct StoreConfiguration: Sendable, Equatable {
    /// Hours the hourly ring holds. Default 420 days: a month and the same
    /// month a year earlier both fit, with room to spare.
    public var hourlyCapacity: Int
    /// Days the daily ring holds. Default 4096 (over 11 years).
    public var dailyCapacity: Int
    /// The time zone days are counted in.
    public var zone: LocalZone
    /// Which hours make a day (see `DayConvention`). Default for new stores:
    /// CNEMC's own day, hour labels 1–24 (a date's hours 1–23 and hour 0 of the
    /// next date): it reproduces CNEMC's daily O3 maxima (O3_8h_24h) in 98.0 %
    /// of station-days against 83.8 % for 0–23 (RULES.md §2).
    public var dayConvention: DayConvention

    /// A shape, checked when a store is created with it (`StoreError.invalidConfiguration`):
    /// 48…1 000 000 hours, days at least the hourly window plus two, a whole-hour zone within ±14 h.
    public init(hourlyCapacity: Int = 420 * 24, dailyCapacity: Int = 4096, zone: LocalZone = .beijing,
                dayConvention: DayConvention = .hours1to24) {
        self.hourlyCapacity = hourlyCapacity
        self.dailyCapacity = dailyCapacity
        self.zone = zone
        self.dayConvention = dayConvention
    }

    /// The defaults: 420 days of hours, 4096 days, Beijing time, CNEMC's 1–24 day.
    public static let standard = StoreConfiguration()

    func validate() throws(StoreError) {
        guard hourlyCapacity >= 48, hourlyCapacity <= 1_000_000 else {
            throw .invalidConfiguration("hourly capacity must be 48…1000000 hours, not \(hourlyCapacity)")
        }
        // The daily ring must outlast the hourly one so every day rolls up
        // before its hours are overwritten.
        let minimumDays = hourlyCapacity / 24 + 2
        guard dailyCapacity >= minimumDays, dailyCapacity <= 100_000 else {
            throw .invalidConfiguration("daily capacity must be at least \(minimumDays) days (the hourly window plus two), not \(dailyCapacity)")
        }
        guard zone.offsetMinutes % 60 == 0, abs(zone.offsetMinutes) <= 14 * 60 else {
            throw .invalidConfiguration("zone offset must be whole hours within ±14h")
        }
    }
}
