import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// What rules read while evaluating, indexed for speed: every registry
/// station gets an ordinal, its series indices and its city's other
/// assessment stations are looked up once, hourly values are read straight
/// from the ring's mapping (`HourlyValues`), rolling 24-hour sums are carried
/// from one hour to the next, and per-hour results shared by many subjects
/// (a city's sorted values, a unit's AQI) are memoised. One context serves
/// one run (a cron evaluation, or a replay while no writer commits: after a
/// commit the replay makes a new context from the newly opened store);
/// results never depend on caching.
///
/// Not `Sendable`: its caches change on every read, without a lock, so a
/// context belongs to the one task that evaluates with it.
package final class AlertContext {
    package let store: Store
    package let registry: StationRegistry
    package let zone: LocalZone
    let aggregation: Aggregation

    /// Registry stations by ordinal, and their PM2.5 and PM10 series (-1 = none).
    let stations: [Station]
    private let ordinals: [String: Int]
    private let pm25Series: [Int]
    private let pm10Series: [Int]
    /// The hourly ring's values as the store saw them when the context was made.
    let values: HourlyValues
    /// Per station ordinal: the other assessment stations of its city.
    private let neighbours: [[Int]]
    /// Per station ordinal: the city's assessment stations (itself included when it is one).
    private let cityMembers: [[Int]]

    /// Per series: the last rolling 24-hour window computed (end hour, sum, count).
    private var rolling: [(end: Hour, sum: Int, count: Int)?]
    private var memo: [MemoKey: Double?] = [:]
    private var sortedCity: [MemoKey: [Int]] = [:]
    private var subjectsByScope: [String: [AlertSubject]] = [:]
    /// Per subject id: the newest hour with data up to an hour (feed rules).
    private var lastData: [Int: (upTo: Hour, last: Hour?)] = [:]
    /// Subject ids are unique across every list of this context (memo keys use them).
    private var nextSubjectID = 0
    /// One slot per distinct subject (by `stateKey`) across all lists: the
    /// index of its cursors while a run evaluates.
    private(set) var slotKeys: [String] = []
    private var slotByKey: [String: Int] = [:]

    struct MemoKey: Hashable {
        var tag: Int
        var subject: Int
        var hour: Int
        var extra: Int = 0
    }

    /// Only the subjects it covers are evaluated (`haze alert --city`).
    package let filter: SubjectFilter

    package init(store: Store, registry: StationRegistry, filter: SubjectFilter = .everything) {
        self.store = store
        self.registry = registry
        self.filter = filter
        self.zone = store.zone
        self.aggregation = Aggregation(store: store)
        let stations = registry.stations.sorted { $0.code < $1.code }
        self.stations = stations
        var ordinals: [String: Int] = [:]
        for (i, station) in stations.enumerated() { ordinals[station.code] = i }
        self.ordinals = ordinals
        // Alert rules take PM2.5 and PM10 only (see `series(_:_:)`).
        self.pm25Series = stations.map { store.index(of: SeriesKey(station: $0.code, pollutant: .pm25)) ?? -1 }
        self.pm10Series = stations.map { store.index(of: SeriesKey(station: $0.code, pollutant: .pm10)) ?? -1 }
        self.values = store.hourlyValues
        var byCity: [String: [Int]] = [:]
        for (i, station) in stations.enumerated() where !station.isControl { byCity[station.city, default: []].append(i) }
        self.cityMembers = stations.map { byCity[$0.city] ?? [] }
        self.neighbours = stations.indices.map { i in (byCity[stations[i].city] ?? []).filter { $0 != i } }
        self.rolling = Array(repeating: nil, count: store.series.count)
    }

    /// Bounds memory on long replays: drops the memoised values once they grow large.
    func trimCaches() {
        if memo.count > 400_000 { memo.removeAll(keepingCapacity: true) }
        if sortedCity.count > 50_000 { sortedCity.removeAll(keepingCapacity: true) }
    }

    /// The subjects a rule watches in this run (those the filter covers).
    func subjects(for rule: AlertRule) -> [AlertSubject] { subjects(rule.scope, cities: rule.cities) }

    /// The subjects a rule watches when nothing is filtered out.
    func allSubjects(for rule: AlertRule) -> [AlertSubject] { subjects(rule.scope, cities: rule.cities, filtered: false) }

    func subjects(_ scope: AlertScope, cities: [String] = [], filtered: Bool = true) -> [AlertSubject] {
        let applies = filtered && !filter.isEverything
        let key = "\(scope.rawValue)|\(cities.joined(separator: ","))|\(applies)"
        if let cached = subjectsByScope[key] { return cached }
        var list = AlertSubject.all(scope, registry: registry, cities: cities)
        if applies { list = list.filter { filter.covers($0, registry: registry) } }
        for i in list.indices {
            list[i].id = nextSubjectID
            nextSubjectID += 1
            list[i].members = list[i].stations.compactMap { ordinals[$0.code] }
            let key = list[i].stateKey
            if let slot = slotByKey[key] {
                list[i].slot = slot
            } else {
                list[i].slot = slotKeys.count
                slotByKey[key] = slotKeys.count
                slotKeys.append(key)
            }
        }
        subjectsByScope[key] = list
        return list
    }

    // MARK: Values

    /// True when the hourly ring holds `hour` (a row to read, whatever it holds).
    @inline(__always) func holds(_ hour: Hour) -> Bool { values.holds(hour.index) }

    @inline(__always) func series(_ member: Int, _ pollutant: Pollutant) -> Int {
        pollutant == .pm25 ? pm25Series[member] : pm10Series[member]
    }

    /// A station's value (by ordinal) at an hour.
    @inline(__always) func value(_ member: Int, _ pollutant: Pollutant, _ hour: Hour) -> Int? {
        values.value(series(member, pollutant), hour.index)
    }

    /// A subject's hourly value: the station's, or the mean of its stations' values present.
    func hourly(_ subject: AlertSubject, _ pollutant: Pollutant, _ hour: Hour) -> Double? {
        if subject.scope == .station { return subject.members.first.flatMap { value($0, pollutant, hour) }.map(Double.init) }
        var sum = 0, count = 0
        for member in subject.members {
            if let v = value(member, pollutant, hour) { sum += v; count += 1 }
        }
        return count == 0 ? nil : Double(sum) / Double(count)
    }

    /// A station's mean over the 24 hours ending at `end`, with at least
    /// `minimumHours` values; carried forward hour by hour when possible.
    func rolling24(_ member: Int, _ pollutant: Pollutant, ending end: Hour, minimumHours: Int) -> Double? {
        let series = series(member, pollutant)
        guard series >= 0, series < rolling.count else { return nil }
        var sum = 0, count = 0
        if let previous = rolling[series], previous.end == end {
            sum = previous.sum
            count = previous.count
        } else if let previous = rolling[series], previous.end == end.advanced(by: -1) {
            sum = previous.sum
            count = previous.count
            if let v = values.value(series, end.index) { sum += v; count += 1 }
            if let v = values.value(series, end.index - 24) { sum -= v; count -= 1 }
        } else {
            for offset in 0..<24 {
                if let v = values.value(series, end.index - offset) { sum += v; count += 1 }
            }
        }
        if rolling[series].map({ $0.end <= end }) ?? true { rolling[series] = (end, sum, count) }
        return count >= minimumHours && count > 0 ? Double(sum) / Double(count) : nil
    }

    /// A subject's 24-hour mean: the station's, or the mean of its stations' means.
    func rolling24(_ subject: AlertSubject, _ pollutant: Pollutant, ending end: Hour, minimumHours: Int) -> Double? {
        var sum = 0.0, count = 0
        for member in subject.members {
            if let mean = rolling24(member, pollutant, ending: end, minimumHours: minimumHours) {
                sum += mean
                count += 1
            }
        }
        return count == 0 ? nil : sum / Double(count)
    }

    /// Values at `hour` of the other assessment stations of a station's city.
    func neighbourValues(of member: Int, _ pollutant: Pollutant, _ hour: Hour) -> [Int] {
        neighbours[member].compactMap { value($0, pollutant, hour) }
    }

    /// The median of the other assessment stations' values, and how many there were.
    /// Uses the city's sorted values for the hour, shared by all its stations.
    func neighbourMedian(of member: Int, _ pollutant: Pollutant, _ hour: Hour) -> (median: Double, count: Int)? {
        let members = cityMembers[member]
        let key = MemoKey(tag: pollutant == .pm25 ? 1 : 2, subject: members.first ?? -1, hour: hour.index)
        let sorted: [Int]
        if let cached = sortedCity[key] {
            sorted = cached
        } else {
            sorted = members.compactMap { value($0, pollutant, hour) }.sorted()
            sortedCity[key] = sorted
        }
        // The median of `sorted` without one occurrence of the station's own value.
        var skip = -1
        if !stations[member].isControl, let own = value(member, pollutant, hour) {
            skip = sorted.firstIndex(of: own) ?? -1
        }
        let n = sorted.count - (skip >= 0 ? 1 : 0)
        guard n > 0 else { return nil }
        func at(_ k: Int) -> Int { skip >= 0 && k >= skip ? sorted[k + 1] : sorted[k] }
        let middle = n % 2 == 1 ? Double(at(n / 2)) : Double(at(n / 2 - 1) + at(n / 2)) / 2
        return (middle, n)
    }

    /// The newest hour up to `hour` at which any of a subject's stations has a
    /// PM2.5 or PM10 value: `.some(nil)` when none has one in the hourly
    /// window, nil when none of its stations is in the store at all (a
    /// subject the store has never seen is not watched). Carried forward hour
    /// by hour; otherwise the hours of `hour`'s day are read, then earlier
    /// days are skipped through the daily ring (one row per day, not 24) down
    /// to the last day with a value, whose hours give the hour.
    func lastDataHour(_ subject: AlertSubject, upTo hour: Hour) -> Hour?? {
        let watched = subject.members.flatMap { [self.series($0, .pm25), self.series($0, .pm10)] }.filter { $0 >= 0 }
        guard !watched.isEmpty, let window = values.window else { return nil }
        func hasData(_ h: Hour) -> Bool {
            watched.contains { values.value($0, h.index) != nil }
        }
        if let cached = lastData[subject.id] {
            if cached.upTo == hour { return .some(cached.last) }
            if cached.upTo == hour.advanced(by: -1) {
                let last = hasData(hour) ? hour : cached.last
                lastData[subject.id] = (hour, last)
                return .some(last)
            }
        }
        func newest(in range: ClosedRange<Hour>) -> Hour? {
            var h = range.upperBound
            while h >= range.lowerBound {
                if hasData(h) { return h }
                h = h.advanced(by: -1)
            }
            return nil
        }
        var found: Hour?
        let top = min(hour, window.upperBound)
        if top >= window.lowerBound {
            var day = zone.day(of: top)
            found = newest(in: max(zone.firstHour(of: day), window.lowerBound)...top)
            let firstDay = zone.day(of: window.lowerBound)
            while found == nil, day > firstDay {
                day = day.advanced(by: -1)
                if watched.contains(where: { store.daily($0, on: day).validHours > 0 }) {
                    found = newest(in: max(zone.firstHour(of: day), window.lowerBound)...zone.firstHour(of: day).advanced(by: 23))
                }
            }
        }
        lastData[subject.id] = (hour, found)
        return .some(found)
    }

    /// Memoises a per-key computation for the length of the run.
    func remember(_ key: MemoKey, _ compute: () -> Double?) -> Double? {
        if let cached = memo[key] { return cached }
        let value = compute()
        memo[key] = value
        return value
    }
}

/// The tri-state logic of "for N consecutive hours" rules.
enum ConsecutiveHours {
    /// `qualifies(h)`: true, false, or nil when the hour cannot be judged.
    /// Active when the last `hours` hours all qualify; inactive when the
    /// current hour is known not to; unknown otherwise (a missing hour, or a
    /// run not yet long enough), which neither opens nor closes an episode.
    static func judge(_ hours: Int, at hour: Hour, _ qualifies: (Hour) -> Bool?) -> Bool? {
        guard let now = qualifies(hour) else { return nil }
        guard now else { return false }
        for back in 1..<max(hours, 1) where qualifies(hour.advanced(by: -back)) != true { return nil }
        return true
    }
}
