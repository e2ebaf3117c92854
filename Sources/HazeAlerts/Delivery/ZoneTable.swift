import HazeModel
import HazeRegistry

/// Named groups of stations for routing and silences (`"zones"` in
/// `alerts/routes.json`): a 开发区 office that gets its own stations, a
/// construction site's neighbourhood. A station may be in several zones.
public struct ZoneTable: Sendable, Equatable {
    /// Zone name → station codes.
    public private(set) var members: [String: Set<String>] = [:]
    private var byStation: [String: Set<String>] = [:]

    /// No zones.
    public init() {}

    /// Zones from zone name → station codes.
    public init(_ members: [String: Set<String>]) {
        for (zone, codes) in members { add(zone, codes) }
    }

    /// The zones' names.
    public var names: Set<String> { Set(members.keys) }

    /// Adds `codes` to `zone` (creating it).
    public mutating func add(_ zone: String, _ codes: Set<String>) {
        members[zone, default: []].formUnion(codes)
        for code in codes { byStation[code, default: []].insert(zone) }
    }

    /// The zones a subject is in: a station's zones (units are not in zones).
    public func zones(of subject: String, scope: String) -> Set<String> {
        scope == AlertScope.station.rawValue ? byStation[subject] ?? [] : []
    }

    /// Parses `"zones": { "经开区": ["1009A", …] }`; every station must be in the registry.
    static func parse(_ value: JSONValue?, fields: JSONFields, registry: StationRegistry) throws(ConfigurationError) -> ZoneTable {
        guard let value else { return ZoneTable() }
        guard let entries = value.objectFields else { throw fields.fail("zones", "must map zone names to arrays of station codes") }
        var table = ZoneTable()
        for (name, list) in entries {
            guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw fields.fail("zones", "a zone name must be non-empty text without control characters")
            }
            guard let codes = list.arrayValue?.compactMap(\.stringValue), codes.count == list.arrayValue?.count, !codes.isEmpty else {
                throw fields.fail("zones.\(name)", "must be a non-empty array of station codes")
            }
            for code in codes where !registry.contains(code) {
                throw fields.fail("zones.\(name)", "station '\(code)' is not in the registry"
                                  + Suggestion.hint(for: code, among: registry.stations.map(\.code), limit: 1))
            }
            table.add(name, Set(codes))
        }
        return table
    }
}
