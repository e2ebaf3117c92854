import HazeModel

/// Suggested units for stations by point-in-polygon, for a person to check:
/// nothing here changes the registry. Every station within `nearMetres` of a
/// boundary, in no polygon, in several, or without coordinates is flagged.
public struct BoundaryAssignment: Sendable {
    /// How surely a station falls in one unit.
    public enum Status: String, Sendable {
        /// In exactly one polygon, farther than the margin from every boundary.
        case inside
        /// In one polygon but within the margin of a boundary: check by hand.
        case nearBoundary = "near boundary"
        /// In no polygon.
        case unassigned = "in no polygon"
        /// In more than one polygon (overlapping boundaries).
        case overlapping = "in several polygons"
        /// The station has no coordinates.
        case noCoordinates = "no coordinates"
    }

    /// One station's suggested unit and how sure it is.
    public struct Row: Sendable {
        /// The station tested.
        public var station: Station
        /// The position tested, in the boundaries' datum.
        public var position: GeoPoint?
        /// The unit whose polygon holds the station (nil when none does, or several do).
        public var unit: String?
        package var containing: [String]
        /// How surely the station falls in `unit`; anything but `inside` needs a person to look.
        public var status: Status
        /// Metres to the nearest edge of the unit's own boundary (or, when in no polygon, of the nearest unit).
        public var boundaryMetres: Double?
        /// The nearest other unit and the metres to its boundary.
        public var nearestOther: (unit: String, metres: Double)?
        /// The unit the registry gives the station on the layer now, if any.
        public var current: String?

        /// `near boundary: 380 m from 海淀区`, `in no polygon; nearest 海淀区 at 2300 m`, … for the review file.
        public var note: String {
            func metres(_ value: Double) -> String { "\(Int(value.rounded())) m" }
            var parts: [String] = []
            switch status {
            case .inside: break
            case .nearBoundary:
                if let other = nearestOther, other.metres <= (boundaryMetres ?? .infinity) + 1 {
                    parts.append("near boundary: \(metres(other.metres)) from \(other.unit)")
                } else if let own = boundaryMetres, let unit {
                    parts.append("near boundary: \(metres(own)) from the edge of \(unit)")
                }
            case .unassigned:
                parts.append("in no polygon" + (nearestOther.map { "; nearest \($0.unit) at \(metres($0.metres))" } ?? ""))
            case .overlapping:
                parts.append("in several polygons: " + containing.joined(separator: ", "))
            case .noCoordinates:
                parts.append("no coordinates")
            }
            if let current, let unit, current != unit { parts.append("registry says \(current)") }
            if current == nil, unit != nil { parts.append("no unit in the registry yet") }
            return parts.joined(separator: "; ")
        }
    }

    /// The layer the boundaries are of (e.g. `district`).
    public var layer: String
    /// The datum of the boundaries' coordinates; station positions are converted to it before testing.
    public var datum: Datum
    /// The margin, in metres: a station closer than this to a boundary is flagged `near boundary`.
    public var nearMetres: Double
    /// One row per station tested.
    public var rows: [Row]

    /// Tests every station against every boundary. Station coordinates are
    /// WGS-84 and converted to `datum` first; `current` gives the registry's
    /// unit of a station on the layer, for comparison.
    public init(stations: [Station], boundaries: [Boundary], layer: String, datum: Datum, nearMetres: Double = 1000,
                current: (Station) -> String? = { _ in nil }) {
        self.layer = layer
        self.datum = datum
        self.nearMetres = nearMetres
        rows = stations.map { station in
            guard let wgs = GeoPoint(station) else {
                return Row(station: station, position: nil, unit: nil, containing: [], status: .noCoordinates,
                           boundaryMetres: nil, nearestOther: nil, current: current(station))
            }
            let point = datum.fromWGS84(wgs)
            let containing = boundaries.filter { $0.contains(point) }.map(\.name)
            var distances: [(unit: String, metres: Double)] = []
            for boundary in boundaries {
                let metres = boundary.distance(to: point)
                if let i = distances.firstIndex(where: { $0.unit == boundary.name }) {
                    distances[i].metres = min(distances[i].metres, metres)
                } else {
                    distances.append((boundary.name, metres))
                }
            }
            distances.sort { ($0.metres, $0.unit) < ($1.metres, $1.unit) }
            // Overlapping polygons: no suggestion, the note names them all.
            let unit = Set(containing).count == 1 ? containing.first : nil
            let own = unit.flatMap { name in distances.first { $0.unit == name }?.metres }
            let nearest = distances.first { $0.unit != unit }
            let status: Status
            if Set(containing).count > 1 {
                status = .overlapping
            } else if unit == nil {
                status = .unassigned
            } else if min(own ?? .infinity, nearest?.metres ?? .infinity) <= nearMetres {
                status = .nearBoundary
            } else {
                status = .inside
            }
            return Row(station: station, position: point, unit: unit, containing: containing, status: status,
                       boundaryMetres: unit == nil ? nearest?.metres : own, nearestOther: nearest, current: current(station))
        }
    }

    /// Stations needing a person's decision (anything but `inside` agreeing with the registry).
    public var flagged: [Row] {
        rows.filter { $0.status != .inside || ($0.current != nil && $0.current != $0.unit) }
    }
}
