/// Rank assignment as the national ranking rules require: ascending, equal
/// values share a rank ("min" ranks: 1, 2, 2, 4 — 数值相同的以并列计), and
/// subjects without a valid value are placed last, jointly
/// (集体名列最后一位), after every valid one.
package enum Ranks {
    /// Ranks for `values` in their order; nil values share the last place.
    package static func ascending<T: Comparable>(_ values: [T?]) -> [Int] {
        let valid = values.compactMap { $0 }.sorted()
        let last = valid.count + 1
        return values.map { value in
            guard let value else { return last }
            // Number of strictly smaller values, plus one.
            var low = 0, high = valid.count
            while low < high {
                let mid = (low + high) / 2
                if valid[mid] < value { low = mid + 1 } else { high = mid }
            }
            return low + 1
        }
    }
}
