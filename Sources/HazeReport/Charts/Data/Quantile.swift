/// Percentiles of a sample by linear interpolation between order statistics
/// (position 1 + (n − 1)·p, numpy's `linear`, Python's `statistics.quantiles`
/// with `method='inclusive'`). For the interquartile bands of profiles only;
/// the percentiles of the standards belong to the assessment.
enum Quantile {
    /// The p-quantile (0 ≤ p ≤ 1) of `sorted` (ascending); nil when empty.
    static func of(sorted: [Double], _ p: Double) -> Double? {
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let position = Double(sorted.count - 1) * min(max(p, 0), 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
