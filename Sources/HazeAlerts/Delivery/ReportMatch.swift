import HazeModel
import HazeRegistry

/// Which reports a route or a silence is about: for each field named, the
/// report's value must be one of those listed (a report of several zones
/// matches when one of them is listed); fields not named match everything.
///
///     { "city": ["北京"], "zone": ["经开区"], "severity": ["warning", "critical"] }
///
/// Every value is checked when the file loads — a rule id, campaign, city,
/// district, station or zone nobody has is refused with a suggestion, so a
/// typo never routes or silences nothing (or everything) in silence.
public struct ReportMatch: Sendable, Equatable {
    /// A field of a report that a match may name.
    public enum Field: String, Sendable, CaseIterable, Comparable {
        case campaign, rule, kind, severity, event, level, scope, subject, city, district, zone

        public static func < (a: Field, b: Field) -> Bool {
            allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
        }
    }

    /// The accepted values per field: a report matches when, for every field named, its value is one of these.
    public private(set) var values: [Field: Set<String>] = [:]

    /// A match of every report.
    public init() {}

    /// Matches every report.
    public var isEverything: Bool { values.isEmpty }

    /// Whether `report` has, for every field named, one of the accepted values.
    public func matches(_ report: ReportFields) -> Bool {
        for (field, allowed) in values {
            guard report.values(field).contains(where: allowed.contains) else { return false }
        }
        return true
    }

    /// `{"city":["北京"],"rule":["x"]}` in field order (silences are stored so).
    public var json: JSONValue {
        .object(values.keys.sorted().map { field in (field.rawValue, .array((values[field] ?? []).sorted().map { .string($0) })) })
    }

    /// `city=北京 rule=x`, for messages.
    public var summary: String {
        values.keys.sorted().map { "\($0.rawValue)=\((values[$0] ?? []).sorted().joined(separator: ","))" }.joined(separator: " ")
    }

    /// What values may name: checked against the rules, the registry and the zones.
    public struct Vocabulary: Sendable {
        var rules: Set<String>
        var campaigns: Set<String>
        var levels: Set<String>
        var registry: StationRegistry
        var zones: Set<String>

        package init(rules: RuleSet, registry: StationRegistry, zones: ZoneTable) {
            self.rules = Set(rules.rules.map(\.id))
            self.campaigns = Set(rules.rules.map(\.campaign))
            self.levels = Set(rules.rules.flatMap { $0.levels.map(\.name) })
            self.registry = registry
            self.zones = zones.names
        }
    }

    /// Sets a field's values as stored (the book of silences: checked when they were set).
    package mutating func set(_ field: Field, _ allowed: Set<String>) {
        values[field] = allowed.isEmpty ? nil : allowed
    }

    /// Adds values of one field, checked; a city is stored in the registry's spelling.
    public mutating func add(_ field: Field, _ given: [String], vocabulary: Vocabulary,
                             fail: (String) -> ConfigurationError) throws(ConfigurationError) {
        guard !given.isEmpty else { throw fail("give at least one value") }
        var accepted: Set<String> = values[field] ?? []
        for value in given {
            accepted.insert(try Self.check(field, value, vocabulary: vocabulary, fail: fail))
        }
        values[field] = accepted
    }

    static func check(_ field: Field, _ value: String, vocabulary: Vocabulary,
                      fail: (String) -> ConfigurationError) throws(ConfigurationError) -> String {
        func among(_ known: some Sequence<String>, _ what: String) throws(ConfigurationError) -> String {
            let set = Set(known)
            guard set.contains(value) else {
                throw fail("'\(value)' is not \(what)" + Suggestion.hint(for: value, among: set))
            }
            return value
        }
        let registry = vocabulary.registry
        switch field {
        case .campaign: return try among(vocabulary.campaigns, "a campaign of the rule files")
        case .rule: return try among(vocabulary.rules, "a rule id of the rule files")
        case .kind: return try among(AlertKind.names, "a rule kind")
        case .severity: return try among(Severity.allCases.map(\.rawValue), "a severity (info, warning, critical)")
        case .event: return try among(["opened", "escalated", "reminder", "closed"], "an event (opened, escalated, reminder, closed)")
        case .level: return try among(vocabulary.levels, "a level of the rule files")
        case .scope: return try among(AlertScope.allCases.map(\.rawValue), "a scope (station, district, city, national)")
        case .city:
            guard let city = registry.city(named: value) else {
                throw fail("'\(value)' is not a city of the registry" + Suggestion.hint(for: value, among: registry.cities))
            }
            return city
        case .district:
            return try among(registry.districts().map(\.district), "a district of the registry")
        case .zone:
            guard vocabulary.zones.contains(value) else {
                throw fail("'\(value)' is not a zone; define it under \"zones\" in the routes file" + Suggestion.hint(for: value, among: vocabulary.zones))
            }
            return value
        case .subject:
            if registry.contains(value) || value == AlertSubject.nationalKey { return value }
            if let city = registry.city(named: value) { return city }
            let units = registry.districts().map { "\($0.city)/\($0.district)" }
            return try among(units + registry.stations.map(\.code), "a station code, city, 'city/district' or \(AlertSubject.nationalKey)")
        }
    }

    /// Parses `"match": { field: value or [values] }`.
    static func parse(_ value: JSONValue?, fields: JSONFields, name: String, vocabulary: Vocabulary) throws(ConfigurationError) -> ReportMatch {
        var match = ReportMatch()
        guard let value else { return match }
        guard let entries = value.objectFields else {
            throw fields.fail(name, "must be an object of fields (\(Field.allCases.map(\.rawValue).joined(separator: ", "))) and values")
        }
        for (key, element) in entries {
            guard let field = Field(rawValue: key) else {
                throw fields.fail("\(name).\(key)", "unknown field" + Suggestion.hint(for: key, among: Field.allCases.map(\.rawValue), limit: 1))
            }
            let list: [String]
            if let text = element.stringValue {
                list = [text]
            } else if let array = element.arrayValue, case let texts = array.compactMap(\.stringValue), texts.count == array.count {
                list = texts
            } else {
                throw fields.fail("\(name).\(key)", "must be text or an array of text")
            }
            try match.add(field, list, vocabulary: vocabulary) { reason in fields.fail("\(name).\(key)", reason) }
        }
        return match
    }
}
