import Foundation

/// The datum of a boundary file's coordinates. Station coordinates of the
/// CNEMC lists are taken as WGS-84; many Chinese boundary files (AMap/高德,
/// Tencent, cnmaps) are GCJ-02, whose positions are offset by a few hundred
/// metres (≈ 550 m in Beijing).
public enum Datum: String, Sendable, CaseIterable {
    case wgs84, gcj02

    /// A WGS-84 station position in this datum (unchanged for WGS-84).
    func fromWGS84(_ point: GeoPoint) -> GeoPoint {
        switch self {
        case .wgs84: point
        case .gcj02: Self.gcj02(point)
        }
    }

    /// The public GCJ-02 conversion (the formula circulated as
    /// "eviltransform"/coordtransform; Krasovsky ellipsoid a = 6 378 245 m,
    /// e² = 0.00669342162296594323). With x = λ − 105, y = φ − 35 (degrees):
    ///
    ///     Δφ' = −100 + 2x + 3y + 0.2y² + 0.1xy + 0.2√|x|
    ///           + (20 sin 6πx + 20 sin 2πx)·2/3 + (20 sin πy + 40 sin(πy/3))·2/3
    ///           + (160 sin(πy/12) + 320 sin(πy/30))·2/3
    ///     Δλ' = 300 + x + 2y + 0.1x² + 0.1xy + 0.1√|x|
    ///           + (20 sin 6πx + 20 sin 2πx)·2/3 + (20 sin πx + 40 sin(πx/3))·2/3
    ///           + (150 sin(πx/12) + 300 sin(πx/30))·2/3
    ///     m = 1 − e² sin²φ
    ///     φ_gcj = φ + Δφ'·180 / (π · a(1 − e²) / m^1.5)
    ///     λ_gcj = λ + Δλ'·180 / (π · a / √m · cos φ)
    ///
    /// Outside China's rough bounding box (72.004–137.8347 E, 0.8293–55.8271 N)
    /// the formula leaves a point unchanged, as the public code does.
    public static func gcj02(_ point: GeoPoint) -> GeoPoint {
        let lon = point.longitude, lat = point.latitude
        guard lon >= 72.004, lon <= 137.8347, lat >= 0.8293, lat <= 55.8271 else { return point }
        let a = 6_378_245.0, ee = 0.00669342162296594323
        let x = lon - 105.0, y = lat - 35.0
        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
        dLat += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLat += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        dLat += (160.0 * sin(y / 12.0 * .pi) + 320.0 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
        dLon += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLon += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        dLon += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        let radLat = lat / 180.0 * .pi
        let magic = 1 - ee * sin(radLat) * sin(radLat)
        let sqrtMagic = sqrt(magic)
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return GeoPoint(longitude: lon + dLon, latitude: lat + dLat)
    }
}
