import HazeModel

/// Other spellings of a city unit (`stations/city-aliases.csv`,
/// `alias,city[,use]`): prefecture full names and older forms (延边州 →
/// 延边朝鲜族自治州, 北京市 → 北京) are the same city; rows with `use` =
/// `suggest` (English names such as `Beijing`) only feed "did you mean",
/// because a romanisation may stand for several cities (Suzhou: 苏州, 宿州).
public struct CityAliases: Sendable {
    /// alias → city, applied to every list and table and to what a user types.
    public private(set) var names: [String: String] = [:]
    /// spelling → cities, for suggestions only.
    public private(set) var suggestions: [String: [String]] = [:]
    /// `names` by bytes, for the lookup every station of every list makes;
    /// exact while every alias is plainly in NFC (`NameKey.isPlainlyNFC`).
    private var byBytes: [NameKey: String] = [:]
    /// Whether every alias is plainly in NFC, so `byBytes` may answer.
    private var plainAliases = true

    init() {}

    /// Aliases as `names` and `suggestions` hold them (flattened): a registry image's.
    init(names: [String: String], suggestions: [String: [String]]) {
        self.suggestions = suggestions
        self.names.reserveCapacity(names.count)
        for (alias, city) in names { set(alias, to: city) }
    }

    /// The registry's name of a city written another way (itself when not an alias).
    func canonical(_ city: String) -> String {
        if names.isEmpty { return city }
        // Both in NFC: equal bytes exactly when equal strings.
        if plainAliases && NameKey.isPlainlyNFC(city) { return byBytes[NameKey(city)] ?? city }
        return names[city] ?? city
    }

    private mutating func set(_ alias: String, to city: String) {
        names[alias] = city
        if NameKey.isPlainlyNFC(alias) {
            byBytes[NameKey(alias)] = city
        } else {
            plainAliases = false
        }
    }

    mutating func add(alias: String, city: String, suggestOnly: Bool, source: String) throws(RegistryError) {
        if suggestOnly {
            if !(suggestions[alias] ?? []).contains(city) { suggestions[alias, default: []].append(city) }
            return
        }
        // Two rows agree when they lead to the same city (`A,B` and `A,C` with `B,C`).
        if let existing = names[alias], resolved(existing) != resolved(city) {
            throw .conflictingEntries(code: alias, field: "city alias (\(source))", first: existing, second: city)
        }
        set(alias, to: city)
    }

    /// The name a chain of aliases leads to (stops at a cycle).
    private func resolved(_ name: String) -> String {
        var target = name
        var seen: Set<String> = [name]
        while let next = names[target], seen.insert(next).inserted { target = next }
        return target
    }

    /// Aliases whose target is itself an alias resolve to the final name.
    mutating func flatten() {
        for (alias, city) in names {
            var target = city
            var seen: Set<String> = [alias]
            while let next = names[target], !seen.contains(next) {
                seen.insert(target)
                target = next
            }
            set(alias, to: target)
        }
    }
}
