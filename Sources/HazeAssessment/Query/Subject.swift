import HazeModel
import HazeRegistry

/// What a query or ranking is about: one station, or a district or city
/// made of the registry's stations.
public enum Subject: Hashable, Sendable, CustomStringConvertible {
    case station(String)
    /// A district, optionally qualified by its city (district names repeat across cities).
    case district(String, city: String?)
    case city(String)

    public var description: String {
        switch self {
        case .station(let code): code
        case .district(let name, let city): city.map { "\($0)/\(name)" } ?? name
        case .city(let name): name
        }
    }

    /// True for a district or city (a mean over stations).
    public var isUnit: Bool {
        if case .station = self { return false }
        return true
    }

}

/// Why a subject could not be resolved.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownStation(String)
    case unknownDistrict(String, suggestions: [String])
    case unknownCity(String, suggestions: [String])
    case noAssessmentStations(String)
    case noData(String)
    /// The store's rows for the period fail their checksums.
    case storeDamaged(String)
    /// A date range longer than the store can hold (see `RequestedRange`).
    case rangeTooLong(String)

    /// True when the request itself is at fault (a usage error), not the data.
    public var isUsage: Bool {
        if case .rangeTooLong = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unknownStation(let code):
            return "station \(code) is neither in the registry nor in the store (see `haze stations`)"
        case .unknownDistrict(let name, let suggestions):
            return "no district '\(name)' in the registry" + Self.hint(suggestions)
        case .unknownCity(let name, let suggestions):
            return "no city '\(name)' in the registry" + Self.hint(suggestions)
        case .noAssessmentStations(let subject):
            return "\(subject) has no assessment stations (all are control points)"
        case .noData(let detail):
            return detail
        case .storeDamaged(let detail):
            return detail
        case .rangeTooLong(let detail):
            return detail
        }
    }

    static func hint(_ suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : "; did you mean " + suggestions.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + "?"
    }
}

extension StationRegistry {
    /// The stations whose values make up a subject. A station stands for
    /// itself (even a control point); districts and cities use their
    /// assessment stations only (control points never count, HJ 663).
    public func members(of subject: Subject) throws(QueryError) -> [Station] {
        switch subject {
        case .station(let code):
            return [self[code] ?? Station(code: code, name: "", city: "")]
        case .district(let name, let city):
            let all = stations(inDistrict: name, city: city)
            guard !all.isEmpty else {
                let known = districts(inCity: city).map(\.district)
                throw .unknownDistrict(name, suggestions: Suggestion.closest(to: name, among: known))
            }
            let members = all.filter { !$0.isControl }
            guard !members.isEmpty else { throw .noAssessmentStations(subject.description) }
            return members
        case .city(let name):
            guard let resolved = city(named: name) else {
                throw .unknownCity(name, suggestions: citySuggestions(for: name))
            }
            let all = stations(inCity: resolved)
            let members = all.filter { !$0.isControl }
            guard !members.isEmpty else { throw .noAssessmentStations(subject.description) }
            return members
        }
    }
}
