import HazeModel

/// What a station the user named (`--station 1001A` or `--station 万寿西宫`) is.
public enum StationLookup: Sendable, Equatable {
    /// One station: its code.
    case found(String)
    /// Several stations carry the name (names repeat across cities: 市监测站).
    case ambiguous([Station])
    /// No station by that code or name; the nearest codes and names.
    case unknown(suggestions: [String])
}

extension StationRegistry {
    /// A station by code (any case) or by name in any list or table, ignoring
    /// spaces, full-width brackets and an annotation in brackets (定陵 finds
    /// `定陵(对照点)`); `city` narrows a name that several cities use.
    public func lookup(station text: String, city: String? = nil) -> StationLookup {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        if contains(wanted) { return .found(wanted) }
        if let code = stations.first(where: { $0.code.lowercased() == wanted.lowercased() })?.code { return .found(code) }
        let key = Self.nameKey(wanted)
        var matches: [String: Station] = [:]
        for (code, names) in allNames() where names.contains(where: { $0 == wanted || Self.nameKey($0) == key }) {
            guard let station = self[code], city == nil || station.city == city else { continue }
            matches[code] = station
        }
        switch matches.count {
        case 1: return .found(matches.keys.first ?? wanted)
        case 0:
            var spellings = Set(stations.map(\.code))
            for names in allNames().values { spellings.formUnion(names) }
            return .unknown(suggestions: Suggestion.closest(to: wanted, among: spellings))
        default: return .ambiguous(matches.values.sorted { $0.code < $1.code })
        }
    }

    /// Every name each code has in any list or table.
    private func allNames() -> [String: Set<String>] {
        var names: [String: Set<String>] = [:]
        for station in stations where !station.name.isEmpty { names[station.code, default: []].insert(station.name) }
        for list in lists {
            for code in list.codes { if let name = list[code]?.name, !name.isEmpty { names[code, default: []].insert(name) } }
        }
        return names
    }

    /// A name without spaces, with half-width brackets and without a trailing annotation in brackets.
    static func nameKey(_ name: String) -> String {
        var text = name.replacingOccurrences(of: "（", with: "(").replacingOccurrences(of: "）", with: ")")
            .filter { !$0.isWhitespace }
        if text.hasSuffix(")"), let open = text.lastIndex(of: "("), open > text.startIndex {
            text = String(text[..<open])
        }
        return text
    }
}
