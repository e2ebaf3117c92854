/// "Did you mean …?" for a mistyped name: the closest known names by edit
/// distance. One rule everywhere (commands, options, rule fields, cities,
/// districts, units, stations), so a user sees the same helpfulness in each.
public enum Suggestion {
    /// The known names closest to `name`, best first: within two edits for
    /// short names, a third of the length for long ones; names that contain
    /// the typed one (or are contained in it) come after.
    public static func closest(to name: String, among known: some Sequence<String>, limit: Int = 3) -> [String] {
        let allowed = max(2, name.count / 3)
        var scored: [(distance: Int, name: String)] = []
        var containing: [String] = []
        for candidate in Set(known) where candidate != name {
            let distance = editDistance(candidate.lowercased(), name.lowercased())
            if distance <= allowed {
                scored.append((distance, candidate))
            } else if !name.isEmpty && (candidate.contains(name) || name.contains(candidate)) {
                containing.append(candidate)
            }
        }
        let ranked = scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.map(\.name)
        return Array((ranked + containing.sorted()).prefix(limit))
    }

    /// `; did you mean 'x'?` or `; did you mean 'x', 'y'?`, empty without a suggestion.
    public static func hint(for name: String, among known: some Sequence<String>, limit: Int = 3) -> String {
        let names = closest(to: name, among: known, limit: limit)
        guard !names.isEmpty else { return "" }
        return "; did you mean " + names.map { "'\($0)'" }.joined(separator: ", ") + "?"
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
