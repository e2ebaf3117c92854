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
/// context belongs to the one task that evaluates with it. The caches read
/// for every subject and hour are `@exclusivity(unchecked)`: no access to one
/// of them overlaps another (none is passed `inout` or borrowed across a call
/// that touches it), so the run-time check per access is only cost.
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
    /// The hourly ring's values as the store saw them when the context was
    /// made (valid while `store`, which the context holds, is open).
    let values: HourlyValues
    /// The PM2.5 and PM10 values of every station at the last `denseHours`
    /// hours read, by hour modulo: `dense[(slot * 2 + p) * stations + ordinal]`
    /// (-1 missing). Rules read a station-hour many times; each row is read
    /// from the ring once.
    private let dense: UnsafeMutableBufferPointer<Int32>
    private let denseHour: UnsafeMutableBufferPointer<Int>
    /// The newest hour read into `dense` (one element).
    private let denseNewest: UnsafeMutableBufferPointer<Int>
    private static let denseHours = 64
    /// Per city number (`cityIndex`): its assessment stations, as
    /// `neighbourList[neighbourStart[c] ..< neighbourStart[c + 1]]` (one flat
    /// array: reading a station's neighbours takes no reference count). A
    /// station's neighbours are its city's run without itself: one run per
    /// city, not one per station (a province's 20 000 micro-sensors each had
    /// a copy of their city's list).
    private let neighbourList: [Int]
    private let neighbourStart: [Int]
    /// Per station ordinal: the city's assessment stations (itself included when it is one).
    private let cityMembers: [[Int]]
    /// Per station ordinal: its city's index (for the sorted values cache).
    private let cityIndex: [Int]
    private let cityCount: Int
    /// A city's sorted values of a pollutant at an hour, shared by its stations:
    /// per (pollutant, city) the last `sortedHours` hours, by hour modulo.
    @exclusivity(unchecked) private var sortedCity: [(hour: Int, values: [Int])]
    private static let sortedHours = 16

    /// Per station ordinal and pollutant: the last rolling 24-hour window computed (`end` Int.min: none).
    private let rolling: UnsafeMutableBufferPointer<RollingWindow>
    /// Per (rule, subject, level) of the alerter using the context: the run of
    /// qualifying hours last found (see `ConsecutiveHours.judge`).
    @exclusivity(unchecked) private var streaks = UnsafeMutableBufferPointer<Streak>(start: nil, count: 0)
    /// Per subject id: the PM AQI of its 24-hour windows (episode rules), by hour modulo.
    @exclusivity(unchecked) private var aqiMemo: [[AQISlot]] = []
    private static let aqiHours = 512
    private var memo: [MemoKey: Double?] = [:]
    /// The local date of the last day asked for (rules ask for the hour's date many times an hour).
    @exclusivity(unchecked) private var lastDate: (day: Int, date: CivilDate)?
    /// Per subject id: the members with a series of the pollutants asked for (coverage rules).
    private var reportingMembers: [Int: (pollutant: Pollutant?, members: [Int])] = [:]
    /// Per (rule, subject) streak index: a trend rule's condition for a (day, end) (it changes once a day).
    private var trendMemo: [Int: (day: Int, end: Int, condition: Condition)] = [:]
    private var subjectsByScope: [String: [AlertSubject]] = [:]
    /// Per subject id: the newest hour with data up to an hour (feed rules).
    private var lastData: [Int: (upTo: Hour, last: Hour?, watched: [Int])] = [:]
    /// Subject ids are unique across every list of this context (memo keys use them).
    private var nextSubjectID = 0
    /// Every subject's members' ordinals, one after the other (`SubjectRef.members`).
    @exclusivity(unchecked) private(set) var memberList: [Int] = []
    /// Every subject, by id.
    private var subjectByID: [AlertSubject] = []
    /// One slot per distinct subject (by `stateKey`) across all lists: the
    /// index of its cursors while a run evaluates.
    private(set) var slotKeys: [String] = []
    private var slotByKey: [String: Int] = [:]

    struct RollingWindow {
        var end = Int.min
        var sum = 0
        var count = 0
    }

    /// How many hours in a row up to `hour` a condition's hours qualified
    /// (counted up to the rule's `hours`, which is all that matters).
    struct Streak {
        var hour = Int.min
        var run = 0
    }

    struct AQISlot {
        var hour = Int.min
        var minimumHours = 0
        var value: Int?
    }

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
        for (i, station) in stations.enumerated() where station.countsInUnits { byCity[station.city, default: []].append(i) }
        self.cityMembers = stations.map { byCity[$0.city] ?? [] }
        var cityNumbers: [String: Int] = [:]
        for station in stations where cityNumbers[station.city] == nil { cityNumbers[station.city] = cityNumbers.count }
        self.cityIndex = stations.map { cityNumbers[$0.city] ?? 0 }
        self.cityCount = max(1, cityNumbers.count)
        self.sortedCity = Array(repeating: (Int.min, []), count: 2 * max(1, cityNumbers.count) * Self.sortedHours)
        var neighbourList: [Int] = []
        var neighbourStart: [Int] = [0]
        var cityByNumber = [String](repeating: "", count: cityNumbers.count)
        for (city, number) in cityNumbers { cityByNumber[number] = city }
        for city in cityByNumber {
            neighbourList += byCity[city] ?? []
            neighbourStart.append(neighbourList.count)
        }
        self.neighbourList = neighbourList
        self.neighbourStart = neighbourStart
        self.rolling = .allocate(capacity: 2 * stations.count)
        rolling.initialize(repeating: RollingWindow())
        self.dense = .allocate(capacity: Self.denseHours * 2 * stations.count)
        dense.initialize(repeating: -1)
        self.denseHour = .allocate(capacity: Self.denseHours * 2)
        denseHour.initialize(repeating: Int.min)
        self.denseNewest = .allocate(capacity: 1)
        denseNewest.initialize(repeating: Int.min)
    }

    deinit {
        rolling.deallocate()
        streaks.deallocate()
        dense.deallocate()
        denseHour.deallocate()
        denseNewest.deallocate()
    }

    /// The local date of `hour` (memoised for the last day asked for).
    func date(of hour: Hour) -> CivilDate {
        let day = zone.day(of: hour)
        if let lastDate, lastDate.day == day.index { return lastDate.date }
        let date = day.date
        lastDate = (day.index, date)
        return date
    }

    /// The subject's members with a series of `pollutant` (either PM when nil), looked up once.
    func members(_ subject: SubjectRef, reporting pollutant: Pollutant?) -> [Int] {
        if let cached = reportingMembers[subject.id], cached.pollutant == pollutant { return cached.members }
        let pollutants = pollutant.map { [$0] } ?? [.pm25, .pm10]
        let members = memberList[subject.members].filter { member in pollutants.contains { series(member, $0) >= 0 } }
        reportingMembers[subject.id] = (pollutant, members)
        return members
    }

    /// A trend rule's condition on `day` with month-to-date up to `end`, computed once per
    /// (rule, subject) — `key`, its streak index; -1: not kept.
    func trend(_ key: Int, day: Day, end: Day, _ compute: () -> Condition) -> Condition {
        guard key >= 0 else { return compute() }
        if let cached = trendMemo[key], cached.day == day.index, cached.end == end.index { return cached.condition }
        let condition = compute()
        trendMemo[key] = (day.index, end.index, condition)
        return condition
    }

    /// Makes room for `count` streaks (the alerter's rules × subjects × levels), all unknown.
    func reserveStreaks(_ count: Int) {
        streaks.deallocate()
        streaks = .allocate(capacity: max(0, count))
        streaks.initialize(repeating: Streak())
    }

    /// The streak at `index`, nil when the index is outside what was reserved.
    @inline(__always) func streak(_ index: Int) -> UnsafeMutablePointer<Streak>? {
        guard index >= 0, index < streaks.count, let base = streaks.baseAddress else { return nil }
        return base + index
    }

    /// A subject's PM AQI of the 24-hour window ending at `end` (episode rules), computed once per hour.
    func windowAQI(_ subject: SubjectRef, ending end: Hour, minimumHours: Int, _ compute: () -> Int?) -> Int? {
        let id = subject.id
        if id >= aqiMemo.count { aqiMemo += Array(repeating: [], count: id + 1 - aqiMemo.count) }
        if aqiMemo[id].isEmpty { aqiMemo[id] = Array(repeating: AQISlot(), count: Self.aqiHours) }
        let slot = end.index & (Self.aqiHours - 1)
        let cached = aqiMemo[id][slot]
        if cached.hour == end.index, cached.minimumHours == minimumHours { return cached.value }
        let value = compute()
        aqiMemo[id][slot] = AQISlot(hour: end.index, minimumHours: minimumHours, value: value)
        return value
    }

    /// Bounds memory on long replays: drops the memoised values once they grow large.
    func trimCaches() {
        if memo.count > 400_000 { memo.removeAll(keepingCapacity: true) }
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
            let members = list[i].stations.compactMap { ordinals[$0.code] }
            list[i].members = members
            list[i].memberSpan = memberList.count ..< memberList.count + members.count
            memberList += members
            let key = list[i].stateKey
            if let slot = slotByKey[key] {
                list[i].slot = slot
            } else {
                list[i].slot = slotKeys.count
                slotByKey[key] = slotKeys.count
                slotKeys.append(key)
            }
            subjectByID.append(list[i])
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
        let row = (hour.index & (Self.denseHours - 1)) * 2 + (pollutant == .pm25 ? 0 : 1)
        if denseHour[row] != hour.index {
            // An hour far behind the newest one read (a look back over days, as an
            // episode's ten daily windows are at a run's first hour) is read on its
            // own: filling rows for it would evict the hours every rule reads.
            if hour.index + Self.denseHours / 2 < denseNewest[0] {
                return values.value(series(member, pollutant), hour.index)
            }
            fill(row, pollutant, hour.index)
        }
        let v = dense[row * stations.count + member]
        return v < 0 ? nil : Int(v)
    }

    /// Reads one pollutant of every station at an hour into its dense row.
    private func fill(_ row: Int, _ pollutant: Pollutant, _ hour: Int) {
        denseNewest[0] = max(denseNewest[0], hour)
        let series = pollutant == .pm25 ? pm25Series : pm10Series
        let start = row * stations.count
        for member in series.indices {
            dense[start + member] = values.value(series[member], hour).map { Int32($0) } ?? -1
        }
        denseHour[row] = hour
    }

    /// A subject's hourly value: the station's, or the mean of its stations' values present.
    func hourly(_ subject: SubjectRef, _ pollutant: Pollutant, _ hour: Hour) -> Double? {
        if subject.scope == .station {
            return subject.station < 0 ? nil : value(subject.station, pollutant, hour).map(Double.init)
        }
        var sum = 0, count = 0
        for k in subject.members {
            if let v = value(memberList[k], pollutant, hour) { sum += v; count += 1 }
        }
        return count == 0 ? nil : Double(sum) / Double(count)
    }

    /// The subject of an id (the full subject, for the rules that need its names).
    func subject(_ id: Int) -> AlertSubject { subjectByID[id] }

    /// A station's mean over the 24 hours ending at `end`, with at least
    /// `minimumHours` values; carried forward hour by hour when possible.
    func rolling24(_ member: Int, _ pollutant: Pollutant, ending end: Hour, minimumHours: Int) -> Double? {
        guard series(member, pollutant) >= 0 else { return nil }
        let slot = (pollutant == .pm25 ? 0 : stations.count) + member
        let previous = rolling[slot]
        var sum = 0, count = 0
        if previous.end == end.index {
            sum = previous.sum
            count = previous.count
        } else if previous.end == end.index - 1 {
            sum = previous.sum
            count = previous.count
            if let v = value(member, pollutant, end) { sum += v; count += 1 }
            if let v = value(member, pollutant, end.advanced(by: -24)) { sum -= v; count -= 1 }
        } else {
            for offset in 0..<24 {
                if let v = value(member, pollutant, end.advanced(by: -offset)) { sum += v; count += 1 }
            }
        }
        if previous.end <= end.index { rolling[slot] = RollingWindow(end: end.index, sum: sum, count: count) }
        return count >= minimumHours && count > 0 ? Double(sum) / Double(count) : nil
    }

    /// A subject's 24-hour mean: the station's, or the mean of its stations' means.
    func rolling24(_ subject: SubjectRef, _ pollutant: Pollutant, ending end: Hour, minimumHours: Int) -> Double? {
        var sum = 0.0, count = 0
        for k in subject.members {
            if let mean = rolling24(memberList[k], pollutant, ending: end, minimumHours: minimumHours) {
                sum += mean
                count += 1
            }
        }
        return count == 0 ? nil : sum / Double(count)
    }

    /// How many of the other assessment stations of a station's city have a
    /// value at `hour`, and the lowest of them (nil when none has).
    func neighbourLowest(of member: Int, _ pollutant: Pollutant, _ hour: Hour) -> (count: Int, lowest: Int?) {
        var count = 0
        var lowest: Int?
        let city = cityIndex[member]
        for k in neighbourStart[city] ..< neighbourStart[city + 1] where neighbourList[k] != member {
            guard let v = value(neighbourList[k], pollutant, hour) else { continue }
            count += 1
            lowest = min(lowest ?? v, v)
        }
        return (count, lowest)
    }

    /// The median of the other assessment stations' values, and how many there were.
    /// Uses the city's sorted values for the hour, shared by all its stations.
    func neighbourMedian(of member: Int, _ pollutant: Pollutant, _ hour: Hour) -> (median: Double, count: Int)? {
        let slot = ((pollutant == .pm25 ? 0 : cityCount) + cityIndex[member]) * Self.sortedHours
            + (hour.index & (Self.sortedHours - 1))
        if sortedCity[slot].hour != hour.index {
            sortedCity[slot].hour = hour.index
            sortedCity[slot].values.removeAll(keepingCapacity: true)
            for other in cityMembers[member] {
                if let v = value(other, pollutant, hour) { sortedCity[slot].values.append(v) }
            }
            sortedCity[slot].values.sort()
        }
        let own = stations[member].countsInUnits ? value(member, pollutant, hour) : nil
        return sortedCity[slot].values.withUnsafeBufferPointer { sorted in
            // The median of `sorted` without one occurrence of the station's own value.
            var skip = -1
            if let own { skip = sorted.firstIndex(of: own) ?? -1 }
            let n = sorted.count - (skip >= 0 ? 1 : 0)
            guard n > 0 else { return nil }
            func at(_ k: Int) -> Int { skip >= 0 && k >= skip ? sorted[k + 1] : sorted[k] }
            let middle = n % 2 == 1 ? Double(at(n / 2)) : Double(at(n / 2 - 1) + at(n / 2)) / 2
            return (middle, n)
        }
    }

    /// The newest hour up to `hour` at which any of a subject's stations has a
    /// PM2.5 or PM10 value: `.some(nil)` when none has one in the hourly
    /// window, nil when none of its stations is in the store at all (a
    /// subject the store has never seen is not watched). Carried forward hour
    /// by hour; otherwise the hours of `hour`'s day are read, then earlier
    /// days are skipped through the daily ring (one row per day, not 24) down
    /// to the last day with a value, whose hours give the hour.
    func lastDataHour(_ subject: SubjectRef, upTo hour: Hour) -> Hour?? {
        if let cached = lastData[subject.id] {
            if cached.upTo == hour { return .some(cached.last) }
            if cached.upTo == hour.advanced(by: -1) {
                let last = cached.watched.contains { values.value($0, hour.index) != nil } ? hour : cached.last
                lastData[subject.id] = (hour, last, cached.watched)
                return .some(last)
            }
        }
        let watched = memberList[subject.members].flatMap { [self.series($0, .pm25), self.series($0, .pm10)] }.filter { $0 >= 0 }
        guard !watched.isEmpty, let window = values.window else { return nil }
        func hasData(_ h: Hour) -> Bool {
            watched.contains { values.value($0, h.index) != nil }
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
        lastData[subject.id] = (hour, found, watched)
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
    ///
    /// With a `streak` (one per rule, subject and level, kept by the context)
    /// the run of qualifying hours found at the hour before is carried on, so
    /// each hour is judged once instead of `hours` times; without one, or
    /// when the streak is not of the hour before, the hours are looked back
    /// over. Both give the same answer: the run is the same function of the
    /// same values.
    static func judge(_ hours: Int, at hour: Hour, streak: UnsafeMutablePointer<AlertContext.Streak>? = nil,
                      _ qualifies: (Hour) -> Bool?) -> Bool? {
        let now = qualifies(hour)
        guard now == true else {
            streak?.pointee = AlertContext.Streak(hour: hour.index, run: 0)
            return now
        }
        let needed = max(hours, 1)
        var run = 1
        if let previous = streak?.pointee, previous.hour == hour.index - 1 {
            run = min(previous.run + 1, needed)
        } else {
            while run < needed, qualifies(hour.advanced(by: -run)) == true { run += 1 }
        }
        streak?.pointee = AlertContext.Streak(hour: hour.index, run: run)
        return run >= needed ? true : nil
    }
}
