/// Which hours make a day. CNEMC labels an hour by its end (hour 8 is
/// 07:00–08:00), so its day is a date's hours 1–23 plus hour 0 of the next
/// date (`hours1to24`); many tools average a date's hours 0–23 (`hours0to23`).
/// The choice moves a monthly PM mean by about 1 µg/m³ at most, but it must
/// be one choice, recorded with the store.
public enum DayConvention: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case hours0to23 = 0
    case hours1to24 = 1

    /// The first hour label of a day, counted from midnight.
    var firstHourLabel: Int { self == .hours0to23 ? 0 : 1 }

    /// `0-23` / `1-24`, as on the command line.
    public var description: String { self == .hours0to23 ? "0-23" : "1-24" }

    /// Reads `0-23` or `1-24` (an en dash is accepted too); nil for anything else.
    public init?(text: String) {
        switch text {
        case "0-23", "0–23": self = .hours0to23
        case "1-24", "1–24": self = .hours1to24
        default: return nil
        }
    }
}

/// The days a store assesses: local days in a fixed zone, made of the hours
/// the day convention names. Hours are stored by their label, so with
/// `hours1to24` the hour labelled 2019-01-02T00:00 belongs to 2019-01-01.
public struct DayCalendar: Hashable, Sendable {
    /// The zone whose midnight starts a day (Beijing time, UTC+8, for CNEMC data).
    public var zone: LocalZone
    /// Which 24 hour labels make up a day.
    public var convention: DayConvention

    /// A calendar of `zone` whose days hold the hours named by `convention` (0–23 unless told otherwise).
    public init(zone: LocalZone, convention: DayConvention = .hours0to23) {
        self.zone = zone
        self.convention = convention
    }

    /// The assessment day an hour belongs to.
    @inline(__always) public func day(of hour: Hour) -> Day {
        zone.day(of: hour.advanced(by: -convention.firstHourLabel))
    }

    /// The first (stored) hour of a day.
    @inline(__always) package func firstHour(of day: Day) -> Hour {
        zone.firstHour(of: day).advanced(by: convention.firstHourLabel)
    }

    /// The 24 hours of a day.
    public func hours(of day: Day) -> Range<Hour> {
        let first = firstHour(of: day)
        return first ..< first.advanced(by: 24)
    }

    /// The hour's position in its day, 0–23.
    @inline(__always) public func position(of hour: Hour) -> Int {
        firstHour(of: day(of: hour)).distance(to: hour)
    }
}
