import HazeModel

/// The composite index (环境空气质量综合指数) of HJ 663 and the national city
/// ranking rule: Iᵢ = Cᵢ / Sᵢ for the six pollutants, I_sum = Σ Iᵢ.
///
/// Cᵢ are the period's published (rounded) statistics — SO2, NO2, PM10 and
/// PM2.5 means, CO's 95th percentile of daily means, O3's 90th percentile of
/// daily maximum 8-hour means. Sᵢ come from the limit set given (a table
/// keyed by date, `AirQualityStandard.compositeLimit`): the annual Grade II
/// limits for SO2, NO2, PM10, PM2.5, 4 mg/m³ for CO and 160 µg/m³ for O3.
/// Everything is exact (integers over a common denominator): I_sum is the
/// sum of the exact single indices rounded once to two decimals (GB/T 8170),
/// as the worked example of RULES.md §9 requires (21/35 + 39/70 + 9/60 +
/// 15/40 + 192/160 + 0.7/4 = 3.06, where summing two-decimal Iᵢ would give
/// 3.07); single indices are shown rounded to two decimals. The major
/// pollutant(s) have the largest Iᵢ (ties jointly). Valid only when all six
/// statistics are valid. The PM-only index (I_PM2.5 + I_PM10) is *partial*.
public struct CompositeIndex: Sendable, Equatable {
    /// The six pollutants of the index (GB 3095 basic items).
    public static let pollutants: [Pollutant] = [.so2, .no2, .pm10, .pm25, .co, .o3]

    /// The limit set (Sᵢ) the index was computed against.
    public var limits: AirQualityStandard
    /// The published statistics (stored units) that went in; nil = invalid.
    public var concentrations: [Pollutant: Int?]
    /// Common denominator of the single indices (a multiple of every Sᵢ).
    let denominator: Int
    /// Iᵢ × `denominator`, for the pollutants with a valid statistic.
    let numerators: [Pollutant: Int]

    package init(published: [Pollutant: Int?], limits: AirQualityStandard) {
        self.limits = limits
        self.concentrations = published
        var common = 1
        for pollutant in Self.pollutants { common = Self.lcm(common, limits.compositeLimit(pollutant)) }
        denominator = common
        var numerators: [Pollutant: Int] = [:]
        for pollutant in Self.pollutants {
            if let c = published[pollutant] ?? nil {
                numerators[pollutant] = c * (common / limits.compositeLimit(pollutant))
            }
        }
        self.numerators = numerators
    }

    /// Sᵢ in the pollutant's stored unit.
    public func limit(_ pollutant: Pollutant) -> Int { limits.compositeLimit(pollutant) }

    /// Pollutants without a valid statistic.
    public var invalid: [Pollutant] { Self.pollutants.filter { numerators[$0] == nil } }

    package var isValid: Bool { invalid.isEmpty }

    /// Iᵢ unrounded.
    public func single(_ pollutant: Pollutant) -> Double? {
        numerators[pollutant].map { Double($0) / Double(denominator) }
    }

    /// Iᵢ rounded to two decimals, in hundredths.
    package func singleHundredths(_ pollutant: Pollutant) -> Int? {
        numerators[pollutant].map { GBT8170.roundRatio(100 * $0, denominator) }
    }

    /// I_sum rounded once to two decimals, in hundredths; nil unless all six are valid.
    package var totalHundredths: Int? {
        guard isValid else { return nil }
        return GBT8170.roundRatio(100 * numerators.values.reduce(0, +), denominator)
    }

    /// I_sum unrounded.
    public var total: Double? {
        guard isValid else { return nil }
        return Double(numerators.values.reduce(0, +)) / Double(denominator)
    }

    /// The pollutant(s) with the largest Iᵢ, jointly; empty unless valid.
    package var major: [Pollutant] {
        guard isValid, let top = numerators.values.max() else { return [] }
        return Self.pollutants.filter { numerators[$0] == top }
    }

    /// Every Iᵢ ≤ 1: all six pollutants meet Grade II (nil unless valid).
    package var attainsGradeII: Bool? {
        guard isValid else { return nil }
        return numerators.values.allSatisfy { $0 <= denominator }
    }

    /// The partial, PM-only index I_PM2.5 + I_PM10 in hundredths (rounded once).
    package var pmOnlyHundredths: Int? {
        guard let a = numerators[.pm25], let b = numerators[.pm10] else { return nil }
        return GBT8170.roundRatio(100 * (a + b), denominator)
    }

    static func lcm(_ a: Int, _ b: Int) -> Int {
        func gcd(_ x: Int, _ y: Int) -> Int { y == 0 ? x : gcd(y, x % y) }
        return a / gcd(a, b) * b
    }

    public static func == (a: CompositeIndex, b: CompositeIndex) -> Bool {
        a.limits == b.limits && a.numerators == b.numerators && a.denominator == b.denominator
    }

    /// `2.43` from hundredths.
    public static func format(hundredths: Int) -> String {
        GBT8170.format(Double(hundredths) / 100, decimals: 2)
    }
}
