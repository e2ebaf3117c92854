import HazeModel
import HazeRegistry

/// What a ranking compares: a city's districts, cities, or a city's stations.
public enum RankingLevel: String, Sendable, CaseIterable, Codable {
    case district, city, station
}

/// One ranked subject: a district, a city or a station, with the stations
/// whose values make it up (assessment stations only for districts and cities).
public struct RankingUnit: Hashable, Sendable {
    public var name: String
    public var city: String
    public var level: RankingLevel
    public var stations: [Station]

    /// `朝阳区`, `北京`, or `1001A 万寿西宫`.
    public var label: String {
        guard level == .station, let station = stations.first else { return name }
        return station.name.isEmpty ? station.code : "\(station.code) \(station.name)"
    }

    /// A station ranked on its own is a control point (shown, marked).
    public var isControlPoint: Bool { level == .station && stations.first?.isControl == true }
}

extension StationRegistry {
    /// The units of a ranking. Districts and stations need a city when the
    /// registry holds more than one; cities need none (`--city` then limits
    /// nothing). Units with no assessment station are left out.
    public func units(level: RankingLevel, city: String?) throws(QueryError) -> [RankingUnit] {
        func cityName(_ name: String) throws(QueryError) -> String {
            if let resolved = self.city(named: name) { return resolved }
            throw .unknownCity(name, suggestions: citySuggestions(for: name))
        }
        switch level {
        case .city:
            var names = cities
            if let city { names = [try cityName(city)] }
            return names.compactMap { name in
                let members = stations(inCity: name).filter { !$0.isControl }
                return members.isEmpty ? nil : RankingUnit(name: name, city: name, level: .city, stations: members)
            }
        case .district:
            var resolved: String?
            if let city { resolved = try cityName(city) }
            let pairs = districts(inCity: resolved)
            guard !pairs.isEmpty else {
                throw .noData("the registry assigns no districts\(resolved.map { " in \($0)" } ?? ""); add a city file with a district column to stations/, or use --level city")
            }
            return pairs.compactMap { pair in
                let members = stations(inDistrict: pair.district, city: pair.city).filter { !$0.isControl }
                return members.isEmpty ? nil
                    : RankingUnit(name: pair.district, city: pair.city, level: .district, stations: members)
            }
        case .station:
            guard let city else { throw .noData("--level station needs --city") }
            let name = try cityName(city)
            return stations(inCity: name).map {
                RankingUnit(name: $0.code, city: name, level: .station, stations: [$0])
            }
        }
    }
}
