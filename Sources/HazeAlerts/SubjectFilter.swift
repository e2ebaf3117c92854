import HazeRegistry

/// Which subjects a run evaluates (`haze alert --city 北京`). A filtered run
/// evaluates and advances only the state of the subjects it covers; every
/// other subject keeps its cursor and its open episodes, untouched.
public struct SubjectFilter: Sendable, Equatable {
    /// City names as the user wrote them ("北京" or "北京市"); empty = every city.
    public var cities: [String]

    /// Only subjects of `cities` (as the user writes them; `北京` or `北京市`); empty: every subject.
    public init(cities: [String] = []) { self.cities = cities }

    /// Every subject.
    public static let everything = SubjectFilter()

    /// True when no city limits the subjects.
    public var isEverything: Bool { cities.isEmpty }

    /// True when the subject is in one of the cities. The national subject
    /// belongs to no city, so only an unfiltered run evaluates it.
    func covers(_ subject: AlertSubject, registry: StationRegistry) -> Bool {
        guard !isEverything else { return true }
        guard subject.scope != .national else { return false }
        return cities.contains { (registry.city(named: $0) ?? $0) == subject.city }
    }
}
