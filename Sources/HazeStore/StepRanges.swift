/// A set of time steps (hour or day indices) kept as sorted, disjoint,
/// non-adjacent ranges: the hours of a run of day files are one range.
package struct StepRanges: Equatable, Sendable {
    package private(set) var ranges: [ClosedRange<Int>] = []

    package init() {}

    package init(_ ranges: [ClosedRange<Int>]) {
        for range in ranges { insert(range) }
    }

    package var isEmpty: Bool { ranges.isEmpty }

    /// How many steps the ranges hold.
    package var count: Int { ranges.reduce(0) { $0 + $1.count } }

    package var first: Int? { ranges.first?.lowerBound }
    package var last: Int? { ranges.last?.upperBound }

    /// Every step, in order.
    package var steps: [Int] { ranges.flatMap { Array($0) } }

    package func contains(_ step: Int) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < step { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(step)
    }

    /// Adds `range`, merging it with the ranges it overlaps or touches.
    package mutating func insert(_ range: ClosedRange<Int>) {
        var low = range.lowerBound, high = range.upperBound
        var kept: [ClosedRange<Int>] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound < low &- 1 {
                kept.append(existing)
            } else if existing.lowerBound > high &+ 1 {
                if !placed { kept.append(low ... high); placed = true }
                kept.append(existing)
            } else {
                low = min(low, existing.lowerBound)
                high = max(high, existing.upperBound)
            }
        }
        if !placed { kept.append(low ... high) }
        ranges = kept
    }

    package mutating func insert(_ step: Int) { insert(step ... step) }

    package mutating func formUnion(_ other: StepRanges) {
        for range in other.ranges { insert(range) }
    }

    /// The same steps in at most `limit` ranges: the closest neighbours are
    /// joined (the steps between them added) until they fit. For reports
    /// that must fit a fixed space; `exact` tells whether anything was added.
    package func coalesced(to limit: Int) -> (ranges: StepRanges, exact: Bool) {
        guard ranges.count > max(1, limit) else { return (self, true) }
        var merged = ranges
        while merged.count > max(1, limit) {
            var best = 0
            for i in 0 ..< merged.count - 1
            where merged[i + 1].lowerBound - merged[i].upperBound < merged[best + 1].lowerBound - merged[best].upperBound {
                best = i
            }
            merged[best] = merged[best].lowerBound ... merged[best + 1].upperBound
            merged.remove(at: best + 1)
        }
        var result = StepRanges()
        result.ranges = merged
        return (result, false)
    }
}
