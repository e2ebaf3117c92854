import HazeModel

extension StationRegistry {
    /// The exceptional days with every city spelled as the registry spells it
    /// (`北京市` → `北京`). A city the registry does not know is refused with
    /// its line — a misspelt city would otherwise exclude nothing, silently —
    /// and so is a day listed twice for one city under two spellings.
    public func resolve(_ days: ExceptionalDays) throws(ConfigurationError) -> ExceptionalDays {
        var resolved = days
        var seen: [String: Int] = [:]
        for index in resolved.entries.indices {
            let entry = resolved.entries[index]
            if let city = entry.city {
                guard let known = self.city(named: city) else {
                    throw .invalid(file: days.source, item: "line \(entry.line)", field: "city",
                                   reason: "no city '\(city)' in the station registry" + Self.cityHint(citySuggestions(for: city)))
                }
                resolved.entries[index].city = known
            }
            let key = "\(entry.day) \(resolved.entries[index].city ?? "")"
            if let first = seen[key] {
                throw .invalid(file: days.source, item: "line \(entry.line)", field: "city",
                               reason: "\(entry.day) for \(resolved.entries[index].city ?? "every city") is already listed on line \(first)")
            }
            seen[key] = entry.line
        }
        return resolved
    }

    static func cityHint(_ suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : "; did you mean " + suggestions.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + "?"
    }
}
