import HazeModel
import HazeRegistry

/// One ranked subject — a unit of a layer, a city or a station — with the
/// stations whose values make it up on each day. A unit's members change with
/// the dated national lists and the dated memberships, so its value on a day
/// uses `members(on:)`, never a fixed list.
public struct RankingUnit: Hashable, Sendable {
    /// The unit's name (a district, zone, town, city or station name).
    public var name: String
    /// The city the unit belongs to.
    public var city: String
    /// The layer the unit is of.
    public var level: RankingLevel
    /// Every station that is a member on at least one day the unit was formed
    /// for (as on the last such day), sorted by code. For a day's members use `members(on:)`.
    public var stations: [Station]
    /// Runs of consecutive days with the same members, in date order (days
    /// without a member are in none).
    public package(set) var periods: [MemberPeriod]

    /// Days with the same members.
    public struct MemberPeriod: Hashable, Sendable {
        /// The days, as a half-open range.
        public var days: Range<Day>
        /// The stations counted on those days.
        public var stations: [Station]

        package init(days: Range<Day>, stations: [Station]) {
            self.days = days
            self.stations = stations
        }
    }

    /// A unit whose members are the same every day.
    public init(name: String, city: String, level: RankingLevel, stations: [Station]) {
        self.init(name: name, city: city, level: level,
                  periods: [MemberPeriod(days: Day(Day.representable.lowerBound) ..< Day(Day.representable.upperBound),
                                         stations: stations)])
    }

    /// A unit with members by day. Periods may come in any order; a day two
    /// periods claim belongs to the one that starts first (so `periods` is in
    /// date order and never overlaps, as every reader of it assumes).
    public init(name: String, city: String, level: RankingLevel, periods: [MemberPeriod]) {
        self.name = name
        self.city = city
        self.level = level
        var ordered: [MemberPeriod] = []
        for var period in periods.sorted(by: { $0.days.lowerBound < $1.days.lowerBound }) {
            if let last = ordered.last, period.days.lowerBound < last.days.upperBound {
                period.days = last.days.upperBound ..< max(last.days.upperBound, period.days.upperBound)
            }
            if !period.days.isEmpty { ordered.append(period) }
        }
        self.periods = ordered
        if ordered.count == 1, let only = ordered.first {
            // One period (every unit of a month without list or membership changes): its
            // stations, by code, without a lookup of the latest record of each.
            let sorted = only.stations.sorted { $0.code < $1.code }
            if zip(sorted, sorted.dropFirst()).allSatisfy({ $0.code != $1.code }) {
                self.stations = sorted
                return
            }
        }
        var latest: [String: Station] = [:]
        for period in self.periods { for station in period.stations { latest[station.code] = station } }
        self.stations = latest.values.sorted { $0.code < $1.code }
    }

    /// The stations whose valid daily means make up the unit's value on a day.
    public func members(on day: Day) -> [Station] {
        period(on: day)?.stations ?? []
    }

    /// The run of days with the same members that holds `day`; nil on a day without members.
    package func period(on day: Day) -> MemberPeriod? {
        var low = 0, high = periods.count
        while low < high {
            let mid = (low + high) / 2
            if periods[mid].days.upperBound <= day { low = mid + 1 } else { high = mid }
        }
        guard low < periods.count, periods[low].days.contains(day) else { return nil }
        return periods[low]
    }

    /// Whether the unit has a member on some day of a range.
    func hasMembers(in days: Range<Day>) -> Bool {
        periods.contains { $0.days.overlaps(days) && !$0.stations.isEmpty }
    }

    /// `朝阳区`, `北京`, or `1001A 万寿西宫`.
    public var label: String {
        guard level == .station, let station = stations.first else { return name }
        return station.name.isEmpty ? station.code : "\(station.code) \(station.name)"
    }

    /// A station ranked on its own is a control point (listed apart, never ranked).
    package var isControlPoint: Bool { level == .station && stations.first?.isControl == true }

    /// Units are the same unit when level, city and name are (their members by day follow from those).
    public static func == (a: RankingUnit, b: RankingUnit) -> Bool {
        a.level == b.level && a.city == b.city && a.name == b.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(level)
        hasher.combine(city)
        hasher.combine(name)
    }
}
