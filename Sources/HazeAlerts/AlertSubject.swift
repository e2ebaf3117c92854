import HazeModel
import HazeRegistry

/// What an alert is about: a station, or a district or city and its stations.
///
/// Its names and stations are held in one shared, immutable box, so a copy
/// costs one reference count, not one per name: the alerter hands subjects
/// around for every rule and hour.
public struct AlertSubject: Sendable, Hashable {
    private final class Storage: Sendable {
        let key: String
        let name: String
        let city: String
        let district: String
        let stations: [Station]
        let members: [Int]

        init(key: String, name: String, city: String, district: String, stations: [Station], members: [Int]) {
            self.key = key
            self.name = name
            self.city = city
            self.district = district
            self.stations = stations
            self.members = members
        }

        func with(key: String? = nil, name: String? = nil, city: String? = nil, district: String? = nil,
                  stations: [Station]? = nil, members: [Int]? = nil) -> Storage {
            Storage(key: key ?? self.key, name: name ?? self.name, city: city ?? self.city, district: district ?? self.district,
                    stations: stations ?? self.stations, members: members ?? self.members)
        }
    }

    private var storage: Storage
    /// Whether the subject is a station, a district or a city.
    public var scope: AlertScope
    /// An id unique within its context and a slot shared by every list's copy
    /// of the same subject (both set by `AlertContext`).
    var id = 0
    var slot = 0
    /// The first member's ordinal (the station itself for a station), -1 for none.
    private(set) var firstMember = -1
    /// Where the context keeps the members' ordinals (`AlertContext.memberList`).
    var memberSpan = 0 ..< 0

    /// What evaluating needs of the subject, without a reference to count:
    /// rules hand it around for every subject and hour.
    var ref: SubjectRef { SubjectRef(id: id, scope: scope, station: firstMember, members: memberSpan) }

    init(key: String, scope: AlertScope, name: String, city: String, district: String, stations: [Station],
         id: Int = 0, members: [Int] = [], slot: Int = 0) {
        self.storage = Storage(key: key, name: name, city: city, district: district, stations: stations, members: members)
        self.scope = scope
        self.id = id
        self.slot = slot
        self.firstMember = members.first ?? -1
    }

    /// Stable key for logs and episodes: `1001A`, `北京/朝阳区`, `北京`, `全国`.
    public var key: String {
        get { storage.key }
        set { storage = storage.with(key: newValue) }
    }
    /// The name for reports (a station's name, a district's, a city's).
    public var name: String {
        get { storage.name }
        set { storage = storage.with(name: newValue) }
    }
    /// The city it belongs to.
    public var city: String {
        get { storage.city }
        set { storage = storage.with(city: newValue) }
    }
    /// The district; empty for a city.
    public var district: String {
        get { storage.district }
        set { storage = storage.with(district: newValue) }
    }
    /// The station itself, or the unit's assessment stations.
    public var stations: [Station] {
        get { storage.stations }
        set { storage = storage.with(stations: newValue) }
    }
    /// The stations' ordinals in the context (set by `AlertContext`).
    var members: [Int] {
        get { storage.members }
        set {
            storage = storage.with(members: newValue)
            firstMember = newValue.first ?? -1
        }
    }

    public static func == (a: AlertSubject, b: AlertSubject) -> Bool {
        a.scope == b.scope && a.id == b.id && a.slot == b.slot
            && (a.storage === b.storage
                || (a.key == b.key && a.name == b.name && a.city == b.city && a.district == b.district
                    && a.stations == b.stations && a.members == b.members))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(scope)
        hasher.combine(id)
    }

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
                let members = registry.stations(inDistrict: pair.district, city: pair.city).filter(\.countsInUnits)
                return members.isEmpty ? nil : AlertSubject(key: "\(pair.city)/\(pair.district)", scope: .district,
                                                            name: pair.district, city: pair.city, district: pair.district,
                                                            stations: members)
            }
        case .city:
            return registry.cities.filter(inCities).compactMap { city in
                let members = registry.stations(inCity: city).filter(\.countsInUnits)
                return members.isEmpty ? nil : AlertSubject(key: city, scope: .city, name: city, city: city,
                                                            district: "", stations: members)
            }
        case .national:
            let members = registry.stations.filter(\.countsInUnits).sorted { $0.code < $1.code }
            return members.isEmpty ? [] : [AlertSubject(key: nationalKey, scope: .national, name: nationalKey, city: "",
                                                        district: "", stations: members)]
        }
    }

    /// Facts every message can use, the report's hour already written.
    func facts(time: String) -> [String: String] {
        ["subject": key, "name": name.isEmpty ? key : name, "city": city, "district": district, "time": time]
    }
}

/// A subject as the rules read it: its id in the context, its scope, its
/// station (for a station) and where its members' ordinals are in the
/// context's member list. Plain values only, so passing it costs nothing.
struct SubjectRef {
    let id: Int
    let scope: AlertScope
    /// The station's ordinal for a station subject (the first member otherwise), -1 for none.
    let station: Int
    let members: Range<Int>
}
