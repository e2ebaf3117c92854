import Dispatch
import HazeModel
import HazeRegistry
import Synchronization

/// The units of a ranking for a period, with what is left out and why.
package struct RankingUnits: Sendable {
    /// The units ranked: each has a counted station on some day of the period.
    package var units: [RankingUnit]
    /// Control points as units of their own (station level): listed apart, never ranked.
    package var controlPoints: [RankingUnit]
    package var coverage: UnitCoverage
}

extension StationRegistry {
    /// The units of a ranking over `days` (membership also formed over
    /// `earlier`, e.g. the same month last year, so a unit's value there uses
    /// that day's members too).
    ///
    /// On each day a station counts when the national list in force has it
    /// (a station of no list counts every day) in the city, and it is not a
    /// control point. It then belongs to its city (level `city`), to itself
    /// (level `station`), or to its unit on the layer that day. Control points
    /// are never members; at level `station` they come back as
    /// `controlPoints`. Micro-sensors are never members at any level (only
    /// counted in `coverage`). A layer needs `city` unless one names every unit's city.
    package func rankingUnits(level: RankingLevel, city: String?, days: Range<Day>,
                             alsoFor earlier: Range<Day>? = nil) throws(QueryError) -> RankingUnits {
        var resolvedCity: String?
        if let city {
            guard let name = self.city(named: city) else { throw .unknownCity(city, suggestions: citySuggestions(for: city)) }
            resolvedCity = name
        }
        var cities: [String]
        switch level {
        case .city:
            cities = resolvedCity.map { [$0] } ?? self.cities
        case .station:
            guard let resolvedCity else { throw .noData("--level station needs --city") }
            cities = [resolvedCity]
        default:
            let layer = level.rawValue
            if let resolvedCity {
                guard hasLayer(layer, inCity: resolvedCity) else {
                    throw .unknownLayer(layer, city: resolvedCity, known: layers(inCity: resolvedCity))
                }
                cities = [resolvedCity]
            } else {
                cities = self.cities.filter { hasLayer(layer, inCity: $0) }
                guard !cities.isEmpty else { throw .unknownLayer(layer, city: nil, known: layers()) }
            }
        }
        let hull = min(days.lowerBound, earlier?.lowerBound ?? days.lowerBound) ..< max(days.upperBound, earlier?.upperBound ?? days.upperBound)
        var units: [RankingUnit] = []
        var controlUnits: [RankingUnit] = []
        var coverage = UnitCoverage(level: level)
        for formed in formUnits(level: level, cities: cities, hull: hull, reported: days) {
            let city = formed.city
            let ranked = formed.units.filter { $0.hasMembers(in: days) }
            units += ranked
            controlUnits += formed.controlPoints.filter { $0.hasMembers(in: days) }
            if level.isLayer {
                let names = Set(ranked.map(\.name))
                coverage.unitsWithoutStation += formed.layerUnits.filter { !names.contains($0) }.map { (city, $0) }
            }
            coverage.stationsWithoutUnit += formed.withoutUnit
            coverage.notInListInForce += formed.notInList
            coverage.controlPoints += formed.controls
            coverage.sensors += formed.sensors
        }
        return RankingUnits(units: units.sorted { ($0.city, $0.name) < ($1.city, $1.name) },
                            controlPoints: controlUnits, coverage: coverage)
    }

    /// Each city's units (`formUnits(level:city:hull:reported:)`), in the
    /// order of `cities`. Cities are formed independently, so with several
    /// they are formed on every core (a province's 18 cities, 25 000
    /// stations); the result is the same as one by one.
    private func formUnits(level: RankingLevel, cities: [String], hull: Range<Day>, reported: Range<Day>) -> [Formed] {
        guard cities.count > 1 else {
            return cities.map { formUnits(level: level, city: $0, hull: hull, reported: reported) }
        }
        let results = Mutex([Formed?](repeating: nil, count: cities.count))
        DispatchQueue.concurrentPerform(iterations: cities.count) { i in
            let formed = formUnits(level: level, city: cities[i], hull: hull, reported: reported)
            results.withLock { $0[i] = formed }
        }
        return results.withLock { $0 }.enumerated().map { i, formed in
            formed ?? formUnits(level: level, city: cities[i], hull: hull, reported: reported)
        }
    }

    private struct Formed: Sendable {
        /// The city formed.
        var city: String
        var units: [RankingUnit] = []
        var controlPoints: [RankingUnit] = []
        var withoutUnit: [UnitCoverage.StationDays] = []
        var notInList: [UnitCoverage.StationDays] = []
        var controls: [Station] = []
        var sensors = 0
        /// Every unit of the layer a station of the city belongs to on some day, sorted
        /// (`units(layer:city:)`, gathered while forming).
        var layerUnits: [String] = []
    }

    /// Forms one city's units over `hull`, evaluating the registry only where
    /// something can change: at `hull`'s start, each list's date and each
    /// membership's first day and the day after its last.
    private func formUnits(level: RankingLevel, city: String, hull: Range<Day>, reported: Range<Day>) -> Formed {
        let layer = level.rawValue
        // Micro-sensors apart once (a province's city has thousands): they never change
        // with the day, and the loop over the periods below then passes only stations.
        var codes: [String] = []
        var sensorCodes: [String] = []
        var breaks: Set<Day> = [hull.lowerBound]
        for list in lists where hull.contains(list.effective) { breaks.insert(list.effective) }
        // Each station's memberships on the layer, looked up once (in the same pass).
        var layerMemberships: [[UnitMembership]] = []
        var layerUnits = Set<String>()
        // Stations come by code, in runs of one unit: a unit equal in bytes to the
        // last one inserted is not hashed again (a Chinese name's hash normalises it).
        var lastUnit: String?
        for code in self.codes(everInCity: city) {
            let sensorCity = sensorCity(code)
            if let sensorCity {
                if sensorCity.sameBytes(as: city) || sensorCity == city { sensorCodes.append(code) }
            } else {
                codes.append(code)
            }
            guard level.isLayer else { continue }
            let memberships = memberships(of: code, layer: layer)
            if sensorCity == nil { layerMemberships.append(memberships) }
            for membership in memberships {
                if let lastUnit, lastUnit.sameBytes(as: membership.unit) {} else {
                    layerUnits.insert(membership.unit)
                    lastUnit = membership.unit
                }
                if let from = membership.span.from, hull.contains(from) { breaks.insert(from) }
                if let to = membership.span.to, hull.contains(to.advanced(by: 1)) { breaks.insert(to.advanced(by: 1)) }
            }
        }
        func unit(_ k: Int, on day: Day) -> String? {
            layerMemberships[k].first { $0.span.contains(day) }?.unit
        }
        let starts = breaks.sorted()
        var periods: [String: [RankingUnit.MemberPeriod]] = [:]
        var controlPeriods: [String: [RankingUnit.MemberPeriod]] = [:]
        var withoutUnit: [String: (Station, [Range<Day>])] = [:]
        var notInList: [String: (Station, String, [Range<Day>])] = [:]
        var controls: [String: Station] = [:]
        var sensors = Set<String>()
        func append(_ ranges: inout [Range<Day>], _ range: Range<Day>) {
            if let last = ranges.last, last.upperBound == range.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound ..< range.upperBound
            } else {
                ranges.append(range)
            }
        }
        func add(_ store: inout [String: [RankingUnit.MemberPeriod]], _ key: String, _ range: Range<Day>, _ members: [Station]) {
            var list = store[key] ?? []
            if let last = list.last, last.days.upperBound == range.lowerBound,
               last.stations.map(\.code) == members.map(\.code) {
                list[list.count - 1].days = last.days.lowerBound ..< range.upperBound
                list[list.count - 1].stations = members
            } else {
                list.append(RankingUnit.MemberPeriod(days: range, stations: members))
            }
            store[key] = list
        }
        for (i, start) in starts.enumerated() {
            let range = start ..< (i + 1 < starts.count ? starts[i + 1] : hull.upperBound)
            let inReport = range.clamped(to: reported)
            var members = Grouping()
            // Sensors: stored and queried as stations, never members of anything, never ranked.
            if !inReport.isEmpty { sensors.formUnion(sensorCodes) }
            for (k, code) in codes.enumerated() {
                guard let station = station(code, on: start) else {
                    // Given a unit, but the list in force does not have the station: said, not counted.
                    if level.isLayer, !inReport.isEmpty, let unit = unit(k, on: start), let known = self[code] {
                        var entry = notInList[code] ?? (known, unit, [])
                        append(&entry.2, inReport)
                        notInList[code] = entry
                    }
                    continue
                }
                // Equal bytes first: `==` of two long non-ASCII names normalises both.
                guard station.city.sameBytes(as: city) || station.city == city else { continue }
                if station.isControl {
                    if !inReport.isEmpty { controls[code] = station }
                    if level == .station { add(&controlPeriods, code, range, [station]) }
                    continue
                }
                switch level {
                case .city: members.append(station, to: city)
                case .station: members.append(station, to: code)
                default:
                    if let unit = unit(k, on: start) {
                        members.append(station, to: unit)
                    } else if !inReport.isEmpty {
                        var entry = withoutUnit[code] ?? (station, [])
                        append(&entry.1, inReport)
                        withoutUnit[code] = entry
                    }
                }
            }
            for (key, stations) in members.groups { add(&periods, key, range, stations) }
        }
        var formed = Formed(city: city)
        formed.units = periods.map { key, periods in RankingUnit(name: key, city: city, level: level, periods: periods) }
        formed.controlPoints = controlPeriods.map { key, periods in RankingUnit(name: key, city: city, level: .station, periods: periods) }
            .sorted { $0.name < $1.name }
        formed.withoutUnit = withoutUnit.keys.sorted().compactMap { code in
            withoutUnit[code].map { UnitCoverage.StationDays(station: $0.0, unit: nil, days: $0.1) }
        }
        formed.notInList = notInList.keys.sorted().compactMap { code in
            notInList[code].map { UnitCoverage.StationDays(station: $0.0, unit: $0.1, days: $0.2) }
        }
        formed.controls = controls.keys.sorted().compactMap { controls[$0] }
        formed.sensors = sensors.count
        formed.layerUnits = layerUnits.sorted()
        return formed
    }

    /// Stations grouped by unit, in the order units first come. Stations come
    /// by code, in runs of one unit: a key equal in bytes to the last one
    /// extends its group without hashing (a Chinese name's hash normalises it).
    private struct Grouping {
        private(set) var groups: [(key: String, stations: [Station])] = []
        private var positions: [String: Int] = [:]
        private var last = -1

        mutating func append(_ station: Station, to key: String) {
            if last >= 0, groups[last].key.sameBytes(as: key) {
                groups[last].stations.append(station)
                return
            }
            if let known = positions[key] {
                last = known
                groups[known].stations.append(station)
            } else {
                last = groups.count
                positions[key] = last
                groups.append((key, [station]))
            }
        }
    }
}
