import Foundation
import HazeModel

/// A position in degrees: longitude east, latitude north.
public struct GeoPoint: Hashable, Sendable, CustomStringConvertible {
    /// Degrees east (negative: west).
    public var longitude: Double
    /// Degrees north (negative: south).
    public var latitude: Double

    /// A point at `longitude`° E, `latitude`° N.
    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }

    /// A station's position, if it has both coordinates.
    public init?(_ station: Station) {
        guard let longitude = station.longitude, let latitude = station.latitude else { return nil }
        self.init(longitude: longitude, latitude: latitude)
    }

    public var description: String {
        String(format: "%.6f,%.6f", longitude, latitude)
    }
}

/// Distances on a sphere of the IUGG mean Earth radius R = 6 371 008.8 m.
///
/// - between two points: the haversine formula,
///   d = 2R·asin(√(sin²(Δφ/2) + cos φ₁·cos φ₂·sin²(Δλ/2)));
/// - from a point P to an edge A–B (a great-circle arc): the cross-track
///   distance |R·asin(sin δ₁₃·sin(θ₁₃ − θ₁₂))| when the foot of the
///   perpendicular falls on the arc (cos(θ₁₃ − θ₁₂) > 0 and the along-track
///   distance acos(cos δ₁₃ / cos δₓₜ) ≤ δ₁₂), else the distance to the nearer
///   end point (δ angular distances, θ initial bearings from A).
///
/// Over a few kilometres the spherical model differs from the WGS-84
/// ellipsoid by under 0.5 %, far below the 1 km "near a boundary" margin.
enum GreatCircle {
    static let radius = 6_371_008.8

    /// Metres between two points.
    static func distance(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        radius * angle(a, b)
    }

    /// Metres from a point to the edge from `a` to `b`.
    static func distance(from p: GeoPoint, toEdge a: GeoPoint, _ b: GeoPoint) -> Double {
        let d13 = angle(a, p)
        let d12 = angle(a, b)
        let toEnds = min(d13, angle(b, p)) * radius
        guard d12 > 0 else { return toEnds }
        let t13 = bearing(a, p), t12 = bearing(a, b)
        let crossTrack = asin(max(-1, min(1, sin(d13) * sin(t13 - t12))))
        let cosCross = cos(crossTrack)
        guard cosCross > 0, cos(t13 - t12) > 0 else { return toEnds }
        let alongTrack = acos(max(-1, min(1, cos(d13) / cosCross)))
        guard alongTrack <= d12 else { return toEnds }
        return abs(crossTrack) * radius
    }

    static func angle(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let p1 = a.latitude * .pi / 180, p2 = b.latitude * .pi / 180
        let dp = p2 - p1, dl = (b.longitude - a.longitude) * .pi / 180
        let h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * asin(min(1, sqrt(max(0, h))))
    }

    static func bearing(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let p1 = a.latitude * .pi / 180, p2 = b.latitude * .pi / 180
        let dl = (b.longitude - a.longitude) * .pi / 180
        return atan2(sin(dl) * cos(p2), cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl))
    }
}
