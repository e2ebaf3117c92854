import HazeModel

/// What a rule watches, with the kind's parameters. All thresholds are data
/// from the rule file; only the GB 3095 limits and HJ 633 breakpoints come
/// from the standards, by date.
public enum AlertKind: Sendable, Equatable {
    /// Hourly value ≥ the level's threshold for ≥ `hours` consecutive hours.
    case threshold(pollutant: Pollutant, hours: Int)
    /// The rolling 24-hour mean (rounded) above `factor` × the GB 3095 Grade II
    /// 24-hour limit in force that day; needs `minimumHours` valid hours.
    case rolling(pollutant: Pollutant, minimumHours: Int, factor: Double)
    /// Heavy-pollution episode by consecutive 24-hour AQI windows > 200
    /// (may cross days): yellow 2, orange 3 with one > 300, red 4 with two
    /// > 300 or any ≥ 500.
    case episode(minimumHours: Int)
    /// Fugitive dust: PM10 ≥ the threshold with PM2.5/PM10 ≤ `maximumRatio`
    /// for ≥ `hours` consecutive hours.
    case ratio(maximumRatio: Double, hours: Int)
    /// Scattered coal: in season, PM2.5 at a night hour above the evening mean
    /// by ≥ `rise`, with PM2.5/PM10 ≥ `minimumRatio`, for ≥ `hours` night hours.
    case nightRise(rise: Double, minimumRatio: Double, hours: Int, season: SeasonWindow,
                   eveningHours: [Int], nightHours: [Int])
    /// Local source: a station above the median of its city's other stations
    /// by ≥ `percent` % and ≥ `difference` µg/m³ for ≥ `hours` hours.
    case excess(pollutant: Pollutant, percent: Double, difference: Double, hours: Int, minimumNeighbours: Int)
    /// A unit's month-to-date mean worse than the same days last year by
    /// ≥ `percent` %, or (when `whenLast`) last in its city's month-to-date ranking.
    case trend(pollutant: Pollutant, percent: Double, whenLast: Bool, minimumDays: Int)
    /// Station health.
    case data(check: DataCheck)
    /// Data stopped arriving: the newest hour with any value of a city's,
    /// district's or the whole network's stations is more than `hours` hours
    /// before the hour evaluated ("now" for a cron run).
    case feed(hours: Int)
    /// Station coverage: fewer than `minimumPercent` % of a unit's assessment
    /// stations (those the store has series for) reported `pollutant` (either
    /// PM when nil) for ≥ `hours` consecutive hours. Hours when none reported
    /// are left to `feed` rules (unknown here).
    case coverage(pollutant: Pollutant?, minimumPercent: Double, hours: Int)

    /// Which clock the kind is evaluated on: the hours of the data, or the
    /// hours of the wall clock (a stopped feed is seen only by looking at the
    /// clock, past the newest data).
    var timeline: AlertTimeline {
        if case .feed = self { return .clock }
        return .data
    }

    /// Every kind's name, as rule files write it.
    public static let names = ["threshold", "rolling", "episode", "ratio", "night-rise", "excess", "trend", "data", "feed", "coverage"]

    /// The kind's name as rule files write it (`threshold`, `rolling`, …; see `names`).
    public var name: String {
        switch self {
        case .threshold: "threshold"
        case .rolling: "rolling"
        case .episode: "episode"
        case .ratio: "ratio"
        case .nightRise: "night-rise"
        case .excess: "excess"
        case .trend: "trend"
        case .data: "data"
        case .feed: "feed"
        case .coverage: "coverage"
        }
    }
}

extension AlertKind {
    /// The most hours before an evaluated hour the kind reads hourly values
    /// of: its window, and a day more for the rolling 24-hour means and the
    /// night-rise's comparison with the hours before (trend rules read days).
    var hoursRead: Int {
        let window: Int = switch self {
        case .threshold(_, let hours), .ratio(_, let hours), .excess(_, _, _, let hours, _),
             .feed(let hours), .coverage(_, _, let hours): hours
        case .nightRise(_, _, let hours, _, _, _): hours
        case .rolling, .episode: 24
        case .trend: 0
        case .data(let check):
            switch check {
            case .missing(let hours), .flat(_, let hours), .pm25AbovePM10(_, let hours), .drop(_, _, let hours, _): hours
            }
        }
        return max(window, 24) + 24
    }
}

/// The station-health checks of `data` rules.
public enum DataCheck: Sendable, Equatable {
    /// No value of either pollutant for ≥ `hours` hours.
    case missing(hours: Int)
    /// The same value of a pollutant for ≥ `hours` consecutive hours.
    case flat(pollutant: Pollutant, hours: Int)
    /// PM2.5 above PM10 by more than `tolerance` for ≥ `hours` hours.
    case pm25AbovePM10(tolerance: Double, hours: Int)
    /// A value below `fraction` × the lowest of the city's other stations
    /// (at least `minimumNeighbours` of them reporting) for ≥ `hours`
    /// consecutive hours: possible interference with the instrument.
    case drop(pollutant: Pollutant, fraction: Double, hours: Int, minimumNeighbours: Int)

    /// The check's name as rule files write it.
    public var name: String {
        switch self {
        case .missing: "missing"
        case .flat: "flat"
        case .pm25AbovePM10: "pm25-above-pm10"
        case .drop: "drop"
        }
    }
}

/// A yearly window of month-days, e.g. 11-15 to 03-15 (wrapping the new year).
public struct SeasonWindow: Sendable, Equatable {
    /// The first month-day of the window.
    public var start: (month: Int, day: Int)
    /// The last month-day of the window (inclusive); before `start` when the window wraps the new year.
    public var end: (month: Int, day: Int)

    public static func == (a: SeasonWindow, b: SeasonWindow) -> Bool {
        a.start == b.start && a.end == b.end
    }

    /// Reads `MM-DD/MM-DD` (e.g. `11-15/03-15`); nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/").map { $0.split(separator: "-").compactMap { Int($0) } }
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              (1...12).contains(parts[0][0]), (1...31).contains(parts[0][1]),
              (1...12).contains(parts[1][0]), (1...31).contains(parts[1][1]) else { return nil }
        start = (parts[0][0], parts[0][1])
        end = (parts[1][0], parts[1][1])
    }

    /// Whether `date` falls in the window (both ends inclusive; any year).
    public func contains(_ date: CivilDate) -> Bool {
        let md = date.month * 100 + date.day
        let s = start.month * 100 + start.day
        let e = end.month * 100 + end.day
        return s <= e ? (md >= s && md <= e) : (md >= s || md <= e)
    }
}
