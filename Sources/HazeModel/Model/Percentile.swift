/// Percentiles as HJ 663—2013 Appendix A (百分位数计算方法) defines them:
/// sort the n values ascending, X(1) ≤ … ≤ X(n); k = 1 + (n − 1)·p/100;
/// s = the integer part of k; P = X(s) + (X(s+1) − X(s))·(k − s), and X(n)
/// when s = n. (The "linear" definition, numpy's default; not nearest-rank.)
package enum Percentile {
    /// The p-th percentile (p in 0…100) of `values`, nil when there are none.
    package static func hj663(_ values: [Double], _ p: Int) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let n = sorted.count
        let scaled = (n - 1) * min(max(p, 0), 100)       // 100·(k − 1), exact
        let s = 1 + scaled / 100                           // integer part of k
        let fraction = Double(scaled % 100) / 100          // k − s
        guard s < n else { return sorted[n - 1] }
        let low = sorted[s - 1], high = sorted[s]
        return fraction == 0 ? low : low + (high - low) * fraction
    }
}
