import HazeModel
import HazeRegistry

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
        for city in cities {
            let formed = formUnits(level: level, city: city, hull: hull, reported: days)
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

    private struct Formed {
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
        for code in self.codes(everInCity: city) {
            if let sensorCity = sensorCity(code) {
                if sensorCity.sameBytes(as: city) || sensorCity == city { sensorCodes.append(code) }
            } else {
                codes.append(code)
            }
        }
        var breaks: Set<Day> = [hull.lowerBound]
        for list in lists where hull.contains(list.effective) { breaks.insert(list.effective) }
        // Each station's memberships on the layer, looked up once.
        var layerMemberships: [[UnitMembership]] = []
        var layerUnits = Set<String>()
        if level.isLayer {
            layerMemberships.reserveCapacity(codes.count)
            for code in self.codes(everInCity: city) {
                let memberships = memberships(of: code, layer: layer)
                for membership in memberships {
                    layerUnits.insert(membership.unit)
                    if let from = membership.span.from, hull.contains(from) { breaks.insert(from) }
                    if let to = membership.span.to, hull.contains(to.advanced(by: 1)) { breaks.insert(to.advanced(by: 1)) }
                }
            }
            for code in codes { layerMemberships.append(memberships(of: code, layer: layer)) }
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
            var members: [String: [Station]] = [:]
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
                case .city: members[city, default: []].append(station)
                case .station: members[code, default: []].append(station)
                default:
                    if let unit = unit(k, on: start) {
                        members[unit, default: []].append(station)
                    } else if !inReport.isEmpty {
                        var entry = withoutUnit[code] ?? (station, [])
                        append(&entry.1, inReport)
                        withoutUnit[code] = entry
                    }
                }
            }
            for (key, stations) in members { add(&periods, key, range, stations) }
        }
        var formed = Formed()
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
}
