/// Rounding by GB/T 8170 (数值修约规则): round half to even ("四舍六入五成双").
///
/// Means are computed in binary floating point, so a value that is exactly
/// x.5 in decimal may arrive as x.4999999999 or x.5000000001. Values within
/// `tolerance` of a half are treated as the half, which is what rounding the
/// decimal string (as the standard intends) would do.
public enum GBT8170 {
    static let tolerance = 1e-9

    /// Rounds to `decimals` places, half to even.
    public static func round(_ value: Double, decimals: Int = 0) -> Double {
        guard value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<max(decimals, 0) { scale *= 10 }
        let scaled = value * scale
        let floor = scaled.rounded(.down)
        let fraction = scaled - floor
        let magnitude = max(abs(scaled), 1)
        let rounded: Double
        if abs(fraction - 0.5) <= tolerance * magnitude {
            rounded = floor.truncatingRemainder(dividingBy: 2) == 0 ? floor : floor + 1
        } else {
            rounded = scaled.rounded(.toNearestOrAwayFromZero)
        }
        return rounded / scale
    }

    /// Rounds to a whole number (µg/m³), half to even.
    public static func roundToInteger(_ value: Double) -> Int {
        Int(round(value, decimals: 0))
    }

    /// Formats with exactly `decimals` places after rounding half to even.
    public static func format(_ value: Double, decimals: Int) -> String {
        let rounded = round(value, decimals: decimals)
        if decimals <= 0 { return String(Int(rounded)) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaledInt = Int((abs(rounded) * scale).rounded())
        let whole = scaledInt / Int(scale)
        let frac = scaledInt % Int(scale)
        let sign = rounded < 0 && scaledInt != 0 ? "-" : ""
        return "\(sign)\(whole).\(CivilDate.pad(frac, decimals))"
    }
}
