import HazeModel

/// One unit's area from a boundary file: one or more polygons (a GeoJSON
/// Polygon or MultiPolygon), each an outer ring and any holes.
public struct Boundary: Sendable {
    /// The unit the area belongs to, as the boundary file names it (matched against the registry's unit names).
    public var name: String
    /// Polygons; in each, ring 0 is the outer ring and the others are holes.
    public var polygons: [[[GeoPoint]]]

    init(name: String, polygons: [[[GeoPoint]]]) {
        self.name = name
        self.polygons = polygons
    }

    /// Whether a point lies inside: inside some polygon's outer ring and in
    /// none of its holes (even–odd ray casting in longitude/latitude, the
    /// plane GeoJSON draws its edges in). A point exactly on an edge may
    /// fall either way; such a point is always within the near-boundary margin.
    public func contains(_ point: GeoPoint) -> Bool {
        polygons.contains { polygon in
            var inside = false
            for ring in polygon where ring.count >= 2 {
                var j = ring.count - 1
                for i in ring.indices {
                    let a = ring[i], b = ring[j]
                    if (a.latitude > point.latitude) != (b.latitude > point.latitude) {
                        let x = (b.longitude - a.longitude) * (point.latitude - a.latitude) / (b.latitude - a.latitude) + a.longitude
                        if point.longitude < x { inside.toggle() }
                    }
                    j = i
                }
            }
            return inside
        }
    }

    /// Metres from a point to the nearest edge of any ring (outer rings and holes).
    public func distance(to point: GeoPoint) -> Double {
        var best = Double.infinity
        for polygon in polygons {
            for ring in polygon where ring.count >= 2 {
                for i in 1 ..< ring.count {
                    best = min(best, GreatCircle.distance(from: point, toEdge: ring[i - 1], ring[i]))
                }
            }
        }
        return best
    }
}

/// Why a boundary file was refused.
public struct BoundaryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The boundary file refused.
    public var file: String
    /// What is wrong with it, for the user.
    public var reason: String

    package init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

extension Boundary {
    /// The units of a GeoJSON FeatureCollection (or a single Feature), named
    /// by a property; read with the project's strict JSON reader. Polygon and
    /// MultiPolygon geometries are read; a feature without geometry or of
    /// another type is refused (a boundary silently left out would leave its
    /// stations unassigned without saying why).
    public static func features(geojson bytes: [UInt8], property: String, file: String) throws(BoundaryError) -> [Boundary] {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw BoundaryError(file: file, reason: "not valid JSON: \(error)")
        }
        let features: [JSONValue]
        switch root["type"]?.stringValue {
        case "FeatureCollection":
            guard let list = root["features"]?.arrayValue else {
                throw BoundaryError(file: file, reason: "a FeatureCollection needs a \"features\" array")
            }
            features = list
        case "Feature":
            features = [root]
        default:
            throw BoundaryError(file: file, reason: "expected a GeoJSON FeatureCollection or Feature")
        }
        var result: [Boundary] = []
        var properties = Set<String>()
        for (index, feature) in features.enumerated() {
            let label = "feature \(index + 1)"
            for (key, _) in feature["properties"]?.objectFields ?? [] { properties.insert(key) }
            let name: String
            switch feature["properties"]?[property] {
            case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty:
                name = text.trimmingCharacters(in: .whitespaces)
            case .int(let number)?:
                name = String(number)
            default:
                let known = properties.sorted().joined(separator: ", ")
                throw BoundaryError(file: file, reason: "\(label) has no property '\(property)' with a name (properties seen: \(known.isEmpty ? "none" : known))")
            }
            guard let geometry = feature["geometry"], geometry != .null else {
                throw BoundaryError(file: file, reason: "\(label) (\(name)) has no geometry")
            }
            let coordinates = geometry["coordinates"]
            switch geometry["type"]?.stringValue {
            case "Polygon":
                result.append(Boundary(name: name, polygons: [try polygon(coordinates, "\(label) (\(name))", file)]))
            case "MultiPolygon":
                guard let parts = coordinates?.arrayValue, !parts.isEmpty else {
                    throw BoundaryError(file: file, reason: "\(label) (\(name)): a MultiPolygon needs a non-empty coordinates array")
                }
                var polygons: [[[GeoPoint]]] = []
                for (p, part) in parts.enumerated() { polygons.append(try polygon(part, "\(label) (\(name)) polygon \(p + 1)", file)) }
                result.append(Boundary(name: name, polygons: polygons))
            case let other:
                throw BoundaryError(file: file, reason: "\(label) (\(name)) is a \(other ?? "geometry without type"); only Polygon and MultiPolygon bound a unit")
            }
        }
        guard !result.isEmpty else { throw BoundaryError(file: file, reason: "no features") }
        return result
    }

    private static func polygon(_ value: JSONValue?, _ label: String, _ file: String) throws(BoundaryError) -> [[GeoPoint]] {
        guard let rings = value?.arrayValue, !rings.isEmpty else {
            throw BoundaryError(file: file, reason: "\(label): a polygon needs at least its outer ring")
        }
        var result: [[GeoPoint]] = []
        for (r, ring) in rings.enumerated() {
            guard let positions = ring.arrayValue, positions.count >= 4 else {
                throw BoundaryError(file: file, reason: "\(label) ring \(r + 1): a ring needs at least 4 positions (first = last)")
            }
            var points: [GeoPoint] = []
            for (p, position) in positions.enumerated() {
                guard let pair = position.arrayValue, pair.count >= 2,
                      let lon = pair[0].numberValue, let lat = pair[1].numberValue,
                      case .success = ExternalNumber.decimal(lon, in: -180...180),
                      case .success = ExternalNumber.decimal(lat, in: -90...90) else {
                    throw BoundaryError(file: file, reason: "\(label) ring \(r + 1) position \(p + 1): expected [longitude −180…180, latitude −90…90]")
                }
                points.append(GeoPoint(longitude: lon, latitude: lat))
            }
            if points.first != points.last, let first = points.first { points.append(first) }
            result.append(points)
        }
        return result
    }
}
