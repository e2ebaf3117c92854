import HazeModel
import HazeRegistry

/// What an alert is about: a station, or a district or city and its stations.
public struct AlertSubject: Sendable, Hashable {
    /// Stable key for logs and episodes: `1001A`, `北京/朝阳区`, `北京`, `全国`.
    public var key: String
    /// Whether the subject is a station, a district or a city.
    public var scope: AlertScope
    /// The name for reports (a station's name, a district's, a city's).
    public var name: String
    /// The city it belongs to.
    public var city: String
    /// The district; empty for a city.
    public var district: String
    /// The station itself, or the unit's assessment stations.
    public var stations: [Station]
    /// An id unique within its context, the stations' ordinals in the
    /// context, and a slot shared by every list's copy of the same subject
    /// (all set by `AlertContext`).
    var id = 0
    var members: [Int] = []
    var slot = 0

    /// The key of the national subject.
    public static let nationalKey = "全国"

    /// The key of the subject's cursors in the alert state, unique across
    /// scopes: `station:1001A`, `district:北京/朝阳区`, `city:北京`, `national:全国`.
    var stateKey: String { Self.stateKey(scope, key) }

    static func stateKey(_ scope: AlertScope, _ key: String) -> String { scope.rawValue + ":" + key }

    /// Subjects of a scope from the registry, limited to `cities` when given.
    static func all(_ scope: AlertScope, registry: StationRegistry, cities: [String]) -> [AlertSubject] {
        let inCities: (String) -> Bool = { city in cities.isEmpty || cities.contains(city) }
        switch scope {
        case .station:
            return registry.stations.filter { inCities($0.city) }.sorted { $0.code < $1.code }.map {
                AlertSubject(key: $0.code, scope: .station, name: $0.name, city: $0.city, district: $0.district,
                             stations: [$0])
            }
        case .district:
            return registry.districts().filter { inCities($0.city) }.compactMap { pair in
                let members = registry.stations(inDistrict: pair.district, city: pair.city).filter { !$0.isControl }
                return members.isEmpty ? nil : AlertSubject(key: "\(pair.city)/\(pair.district)", scope: .district,
                                                            name: pair.district, city: pair.city, district: pair.district,
                                                            stations: members)
            }
        case .city:
            return registry.cities.filter(inCities).compactMap { city in
                let members = registry.stations(inCity: city).filter { !$0.isControl }
                return members.isEmpty ? nil : AlertSubject(key: city, scope: .city, name: city, city: city,
                                                            district: "", stations: members)
            }
        case .national:
            let members = registry.stations.filter { !$0.isControl }.sorted { $0.code < $1.code }
            return members.isEmpty ? [] : [AlertSubject(key: nationalKey, scope: .national, name: nationalKey, city: "",
                                                        district: "", stations: members)]
        }
    }

    /// Facts every message can use.
    func facts(at hour: Hour, zone: LocalZone) -> [String: String] {
        ["subject": key, "name": name.isEmpty ? key : name, "city": city, "district": district, "time": zone.format(hour)]
    }
}
