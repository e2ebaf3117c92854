/// Rounding by GB/T 8170 (数值修约规则): round half to even ("四舍六入五成双").
///
/// Means are computed in binary floating point, so a value that is exactly
/// x.5 in decimal may arrive as x.4999999999 or x.5000000001. Values within
/// `tolerance` of a half are treated as the half, which is what rounding the
/// decimal string (as the standard intends) would do.
///
/// Every function here is total: no value (NaN, ±∞, 1e300) and no count of
/// decimals traps. Numbers from outside are checked by `ExternalNumber`
/// before they get here; these guards only keep a formatter from crashing.
public enum GBT8170 {
    static let tolerance = 1e-9
    /// Decimals beyond this are not meaningful for a double; more are shown as this many.
    static let maximumDecimals = 9
    /// Doubles at or beyond this magnitude are whole numbers already (2^53).
    static let wholeMagnitude = 9_007_199_254_740_992.0

    /// Rounds to `decimals` places (0…9), half to even.
    package static func round(_ value: Double, decimals: Int = 0) -> Double {
        guard value.isFinite, abs(value) < wholeMagnitude else { return value }
        let scale = power(of: decimals)
        let scaled = value * scale
        guard scaled.isFinite, abs(scaled) < wholeMagnitude else { return value }
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

    /// Rounds a mean to a whole number (µg/m³), half to even. Means of stored
    /// concentrations are always in range; a value with no whole number to
    /// round to saturates (±∞ and beyond Int to the nearest Int bound, NaN to 0)
    /// instead of trapping.
    package static func roundToInteger(_ value: Double) -> Int {
        let rounded = round(value, decimals: 0)
        if let whole = Int(exactly: rounded) { return whole }
        if rounded.isNaN { return 0 }
        return rounded > 0 ? Int.max : Int.min
    }

    /// `numerator / denominator` rounded half to even to a whole number,
    /// exactly (integer arithmetic; the denominator must be positive).
    package static func roundRatio(_ numerator: Int, _ denominator: Int) -> Int {
        guard denominator > 0 else { return 0 }
        var quotient = numerator / denominator
        var remainder = numerator % denominator
        if remainder < 0 { quotient -= 1; remainder += denominator }
        let twice = 2 * remainder
        if twice > denominator || (twice == denominator && quotient % 2 != 0) { quotient += 1 }
        return quotient
    }

    /// Formats with exactly `decimals` places (0…9) after rounding half to even.
    /// Values that cannot be written that way (NaN, ±∞, beyond 2^53) are
    /// written as Swift writes them (`nan`, `inf`, `1e+300`).
    public static func format(_ value: Double, decimals: Int) -> String {
        let places = min(max(decimals, 0), maximumDecimals)
        let rounded = round(value, decimals: places)
        let scale = power(of: places)
        let scaled = (abs(rounded) * scale).rounded()
        guard scaled.isFinite, scaled < wholeMagnitude, let scaledInt = Int(exactly: scaled) else {
            return String(describing: rounded)
        }
        let divisor = Int(exactly: scale) ?? 1
        let whole = scaledInt / divisor
        let sign = rounded < 0 && scaledInt != 0 ? "-" : ""
        if places == 0 { return "\(sign)\(whole)" }
        return "\(sign)\(whole).\(CivilDate.pad(scaledInt % divisor, places))"
    }

    /// 10^decimals for decimals clamped to 0…9.
    static func power(of decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0 ..< min(max(decimals, 0), maximumDecimals) { scale *= 10 }
        return scale
    }
}
