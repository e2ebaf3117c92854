import HazeModel
import HazeRegistry

/// What a query or ranking is about: one station, or a district, a unit of
/// any layer or a city made of the registry's stations.
public enum Subject: Hashable, Sendable, CustomStringConvertible {
    case station(String)
    /// A district, optionally qualified by its city (district names repeat across cities).
    case district(String, city: String?)
    /// A unit of a layer (`zone`, `town`, …), optionally qualified by its city.
    case unit(String, layer: String, city: String?)
    case city(String)

    public var description: String {
        switch self {
        case .station(let code): code
        case .district(let name, let city): city.map { "\($0)/\(name)" } ?? name
        case .unit(let name, _, let city): city.map { "\($0)/\(name)" } ?? name
        case .city(let name): name
        }
    }

    /// True for a district or city (a mean over stations).
    public var isUnit: Bool {
        if case .station = self { return false }
        return true
    }

}

/// Why a subject could not be resolved.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownStation(String)
    /// A station name several stations carry: the candidates (`code name city`).
    case ambiguousStation(String, candidates: [String])
    case unknownDistrict(String, suggestions: [String])
    /// A unit the layer does not have (in the city, when given).
    case unknownUnit(String, layer: String, suggestions: [String])
    /// A layer no station of the city (or registry) has a unit on.
    case unknownLayer(String, city: String?, known: [String])
    /// `--strict`: stations of the city without a unit on the layer.
    case stationsWithoutUnit(String)
    case unknownCity(String, suggestions: [String])
    case noAssessmentStations(String)
    case noData(String)
    /// No unit has a valid value for any indicator asked for: nothing is ranked.
    case nothingRanked(String)
    /// The store's rows for the period fail their checksums.
    case storeDamaged(String)
    /// A date range longer than the store can hold (see `RequestedRange`).
    case rangeTooLong(String)
    /// Hours the hourly ring no longer holds (overwritten as it went round).
    case hoursNotHeld(String)

    /// True when the request itself is at fault (a usage error), not the data.
    public var isUsage: Bool {
        switch self {
        case .rangeTooLong, .ambiguousStation: return true
        default: return false
        }
    }

    /// True when the data hold no valid value to rank (not a fault of the request or the store).
    package var isNothingRanked: Bool {
        if case .nothingRanked = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unknownStation(let code):
            return "station \(code) is neither in the registry nor in the store (see `haze stations`)"
        case .ambiguousStation(let name, let candidates):
            return "several stations are named '\(name)': \(candidates.joined(separator: "; ")); give the code, or the city with --city"
        case .unknownUnit(let name, let layer, let suggestions):
            return "no \(layer) unit '\(name)' in the registry" + Self.hint(suggestions)
        case .unknownLayer(let layer, let city, let known):
            let place = city.map { " in \($0)" } ?? ""
            if layer == "district" && !known.contains("district") {
                return "the registry assigns no districts\(place); add a city file with a district column (or a membership file code,layer,unit,from,to) to stations/, or use --level city"
            }
            let close = Suggestion.closest(to: layer, among: known + ["city", "station"])
            return "no station\(place) has a unit on layer '\(layer)' (layers\(place): \(known.isEmpty ? "none" : known.joined(separator: ", ")); also city, station)"
                + Self.hint(close)
        case .stationsWithoutUnit(let detail):
            return detail
        case .unknownDistrict(let name, let suggestions):
            return "no district '\(name)' in the registry" + Self.hint(suggestions)
        case .unknownCity(let name, let suggestions):
            return "no city '\(name)' in the registry" + Self.hint(suggestions)
        case .noAssessmentStations(let subject):
            return "\(subject) has no assessment stations (its stations are control points or micro-sensors, which never count in a unit's value; query one with --station)"
        case .noData(let detail), .nothingRanked(let detail):
            return detail
        case .storeDamaged(let detail):
            return detail
        case .rangeTooLong(let detail), .hoursNotHeld(let detail):
            return detail
        }
    }

    static func hint(_ suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : "; did you mean " + suggestions.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + "?"
    }
}

extension StationRegistry {
    /// Every station that makes up a subject on some day, as the undated view
    /// has it. A station stands for itself (even a control point or a
    /// micro-sensor); districts, units and cities use their assessment
    /// stations only (control points never count, HJ 663; micro-sensors neither). Values by day use `queryUnit(for:days:)`, whose
    /// members follow the dated lists and memberships.
    public func members(of subject: Subject) throws(QueryError) -> [Station] {
        switch subject {
        case .station(let code):
            return [self[code] ?? Station(code: code, name: "", city: "")]
        case .district(let name, let city):
            let all = stations(inDistrict: name, city: city)
            guard !all.isEmpty else {
                let known = districts(inCity: city).map(\.district)
                throw .unknownDistrict(name, suggestions: Suggestion.closest(to: name, among: known))
            }
            let members = all.filter(\.countsInUnits)
            guard !members.isEmpty else { throw .noAssessmentStations(subject.description) }
            return members
        case .unit(let name, let layer, let city):
            let resolved = try city.map { (name: String) throws(QueryError) -> String in
                guard let found = self.city(named: name) else { throw .unknownCity(name, suggestions: citySuggestions(for: name)) }
                return found
            }
            let all = stations(ofUnit: name, layer: layer, city: resolved)
            let members = all.filter(\.countsInUnits)
            // A unit of control points or micro-sensors only exists: said so, not "no such unit".
            if members.isEmpty && !all.isEmpty { throw .noAssessmentStations(subject.description) }
            guard !members.isEmpty else {
                let known = resolved.map { units(layer: layer, city: $0) } ?? units(layer: layer)
                throw .unknownUnit(name, layer: layer, suggestions: Suggestion.closest(to: name, among: known))
            }
            return members
        case .city(let name):
            guard let resolved = city(named: name) else {
                throw .unknownCity(name, suggestions: citySuggestions(for: name))
            }
            let all = stations(inCity: resolved)
            let members = all.filter(\.countsInUnits)
            guard !members.isEmpty else { throw .noAssessmentStations(subject.description) }
            return members
        }
    }
}

extension StationRegistry {
    /// Every station a unit of the layer has on some day (in `city`, or any), control points and sensors included.
    private func stations(ofUnit name: String, layer: String, city: String?) -> [Station] {
        stations.filter { station in
            (city == nil || station.city == city) && memberships(of: station.code, layer: layer).contains { $0.unit == name }
        }
    }

    /// The micro-sensors a district, unit or city has on some day (by the
    /// undated view, as `members(of:)`): stored, never counted in its value.
    /// None for a station or a subject the registry does not know.
    public func sensorsNotCounted(in subject: Subject) -> [Station] {
        switch subject {
        case .station:
            return []
        case .district(let name, let city):
            return stations(inDistrict: name, city: city).filter(\.isSensor)
        case .unit(let name, let layer, let city):
            let resolved = city.flatMap { self.city(named: $0) }
            if city != nil && resolved == nil { return [] }
            return stations(ofUnit: name, layer: layer, city: resolved).filter(\.isSensor)
        case .city(let name):
            return city(named: name).map { stations(inCity: $0).filter(\.isSensor) } ?? []
        }
    }

    /// A subject as a unit whose members follow the dated lists and
    /// memberships over `days`: a station is itself every day; a district,
    /// unit or city has, on each day, its stations counted that day.
    func queryUnit(for subject: Subject, days: Range<Day>) throws(QueryError) -> RankingUnit {
        let everyone = try members(of: subject)  // unknown names and suggestions first
        func find(_ level: RankingLevel, _ name: String, _ city: String?) throws(QueryError) -> RankingUnit {
            var cities: [String]
            if let city {
                guard let resolved = self.city(named: city) else { throw .unknownCity(city, suggestions: citySuggestions(for: city)) }
                cities = [resolved]
            } else {
                cities = Array(Set(everyone.map(\.city))).sorted()
            }
            guard cities.count == 1, let only = cities.first else {
                throw .noData("\(level) '\(name)' is in several cities (\(cities.joined(separator: ", "))); name one with --city")
            }
            let formed = try rankingUnits(level: level, city: only, days: days)
            let unit = level == .city ? formed.units.first : formed.units.first { $0.name == name }
            return unit ?? RankingUnit(name: name, city: only, level: level, periods: [])
        }
        switch subject {
        case .station(let code):
            let station = everyone.first ?? Station(code: code, name: "", city: "")
            return RankingUnit(name: code, city: station.city, level: .station, stations: [station])
        case .district(let name, let city):
            return try find(.district, name, city)
        case .unit(let name, let layer, let city):
            guard let level = RankingLevel(rawValue: layer) else { throw .unknownLayer(layer, city: city, known: layers()) }
            return try find(level, name, city)
        case .city(let name):
            return try find(.city, name, name)
        }
    }
}
