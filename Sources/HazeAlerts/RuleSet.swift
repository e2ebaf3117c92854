import Foundation
import HazeModel

/// Why a rule file was refused: always names the file, the rule and the field.
/// The alert rules of every campaign file in a directory (`alerts/`).
public struct RuleSet: Sendable {
    /// The rules, in file and then rule order.
    public var rules: [AlertRule]
    /// Campaign titles by campaign id and language.
    var campaigns: [String: [String: String]]

    /// The most hours before an evaluated hour any rule reads: what a run
    /// checks against the row checksums besides the hours it evaluates.
    var hoursRead: Int { rules.map(\.kind.hoursRead).max() ?? 0 }

    /// A rule set made in code; `campaigns` gives campaign titles by campaign id and language.
    public init(rules: [AlertRule], campaigns: [String: [String: String]] = [:]) {
        self.rules = rules
        self.campaigns = campaigns
    }

    /// Files of the rules directory that are not rule sets: the receivers and
    /// routes (`routes.json`) and the silences (`silences.json`).
    static let otherFiles: Set<String> = ["routes.json", "silences.json"]

    /// Loads every `*.json` in `directory` but `otherFiles`, in name order.
    public static func load(directory: String) throws(ConfigurationError) -> RuleSet {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") && !otherFiles.contains($0) }.sorted()
        guard !names.isEmpty else { throw .noFiles(directory: directory, pattern: "*.json rule") }
        var set = RuleSet(rules: [])
        var seen: [String: String] = [:]
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .unreadable(file: path, reason: "permission denied or not a file")
            }
            let file = try parse(data: [UInt8](data), file: path)
            for rule in file.rules {
                if let other = seen[rule.id] { throw .duplicate(what: "rule id", id: rule.id, files: [other, path]) }
                seen[rule.id] = path
            }
            set.rules += file.rules
            set.campaigns.merge(file.campaigns) { a, _ in a }
        }
        return set
    }

    /// Parses one campaign file.
    public static func parse(data: [UInt8], file: String) throws(ConfigurationError) -> RuleSet {
        let object: JSONValue
        do {
            object = try JSONValue.parse(data)
        } catch {
            throw .malformed(file: file, reason: error.description)
        }
        let top = try JSONFields(object, file: file, item: nil, context: "top level")
        try top.allow(["campaign", "title", "description", "rules"])
        let campaign = try top.string("campaign")
        let title = try top.optionalMessages("title") ?? [:]
        let rulesValue = try top.require("rules")
        guard let array = rulesValue.arrayValue else {
            throw .invalid(file: file, item: nil, field: "rules", reason: "must be an array of rules")
        }
        var rules: [AlertRule] = []
        for (index, element) in array.enumerated() {
            rules.append(try parseRule(element, index: index, campaign: campaign, file: file))
        }
        return RuleSet(rules: rules, campaigns: [campaign: title])
    }

    static func parseRule(_ element: JSONValue, index: Int, campaign: String, file: String) throws(ConfigurationError) -> AlertRule {
        var fields = try JSONFields(element, file: file, item: "rule #\(index + 1)", context: "rules[\(index)]")
        let id = try fields.string("id")
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw .invalid(file: file, item: "rule '\(id)'", field: "id", reason: "use letters, digits, - and _ only")
        }
        fields.item = "rule '\(id)'"
        let kindName = try fields.string("kind")
        let common = ["id", "kind", "scope", "cities", "severity", "threshold", "levels", "cooldown_hours", "message",
                      "description"]
        let scope: AlertScope
        let kind: AlertKind
        var levelNames: [String]? = nil
        var needsThreshold = false
        switch kindName {
        case "threshold":
            try fields.allow(common + ["pollutant", "hours"])
            kind = .threshold(pollutant: try fields.pollutant("pollutant"), hours: try fields.integer("hours", 1...72))
            needsThreshold = true
        case "rolling":
            try fields.allow(common + ["pollutant", "minimum_hours", "factor"])
            kind = .rolling(pollutant: try fields.pollutant("pollutant"),
                            minimumHours: try fields.integer("minimum_hours", 1...24, default: 20),
                            factor: try fields.number("factor", 0.1...10, default: 1))
        case "episode":
            try fields.allow(common + ["minimum_hours"])
            kind = .episode(minimumHours: try fields.integer("minimum_hours", 1...24, default: 20))
            levelNames = ["yellow", "orange", "red"]
        case "ratio":
            try fields.allow(common + ["maximum_ratio", "hours"])
            kind = .ratio(maximumRatio: try fields.number("maximum_ratio", 0.01...1, default: 0.4),
                          hours: try fields.integer("hours", 1...72))
            needsThreshold = true
        case "night-rise":
            try fields.allow(common + ["rise", "minimum_ratio", "hours", "season", "evening_hours", "night_hours"])
            let seasonText = try fields.optionalString("season") ?? "11-15/03-15"
            guard let season = SeasonWindow(parsing: seasonText) else {
                throw .invalid(file: file, item: "rule '\(id)'", field: "season", reason: "'\(seasonText)' is not MM-DD/MM-DD")
            }
            kind = .nightRise(rise: try fields.number("rise", 1...1000), minimumRatio: try fields.number("minimum_ratio", 0.01...1, default: 0.7),
                              hours: try fields.integer("hours", 1...12, default: 1), season: season,
                              eveningHours: try fields.hours("evening_hours", default: [18, 19, 20]),
                              nightHours: try fields.hours("night_hours", default: [22, 23, 0, 1, 2]))
        case "excess":
            try fields.allow(common + ["pollutant", "percent", "difference", "hours", "minimum_neighbours"])
            kind = .excess(pollutant: try fields.pollutant("pollutant"), percent: try fields.number("percent", 0...10000),
                           difference: try fields.number("difference", 0...10000), hours: try fields.integer("hours", 1...72),
                           minimumNeighbours: try fields.integer("minimum_neighbours", 1...100, default: 2))
        case "trend":
            try fields.allow(common + ["pollutant", "percent", "when_last", "minimum_days"])
            kind = .trend(pollutant: try fields.pollutant("pollutant"), percent: try fields.number("percent", 0...1000),
                          whenLast: try fields.bool("when_last", default: false),
                          minimumDays: try fields.integer("minimum_days", 1...31, default: 5))
        case "data":
            try fields.allow(common + ["check", "pollutant", "hours", "tolerance", "fraction", "minimum_neighbours"])
            let check: DataCheck
            switch try fields.string("check") {
            case "missing": check = .missing(hours: try fields.integer("hours", 1...720))
            case "flat": check = .flat(pollutant: try fields.pollutant("pollutant"), hours: try fields.integer("hours", 2...720))
            case "pm25-above-pm10":
                check = .pm25AbovePM10(tolerance: try fields.number("tolerance", 0...1000, default: 0),
                                       hours: try fields.integer("hours", 1...720))
            case "drop":
                check = .drop(pollutant: try fields.pollutant("pollutant"), fraction: try fields.number("fraction", 0.01...1),
                              hours: try fields.integer("hours", 1...72),
                              minimumNeighbours: try fields.integer("minimum_neighbours", 1...100, default: 2))
            case let other:
                throw .invalid(file: file, item: "rule '\(id)'", field: "check",
                               reason: "'\(other)' is not one of missing, flat, pm25-above-pm10, drop")
            }
            kind = .data(check: check)
        case "feed":
            try fields.allow(common + ["hours"])
            kind = .feed(hours: try fields.integer("hours", 1...8760))
        case "coverage":
            try fields.allow(common + ["pollutant", "minimum_percent", "hours"])
            kind = .coverage(pollutant: fields.object["pollutant"] == nil ? nil : try fields.pollutant("pollutant"),
                             minimumPercent: try fields.number("minimum_percent", 1...100),
                             hours: try fields.integer("hours", 1...72))
        default:
            throw .invalid(file: file, item: "rule '\(id)'", field: "kind",
                           reason: "'\(kindName)' is not one of \(AlertKind.names.joined(separator: ", "))")
        }
        let defaultScope: AlertScope
        switch kind {
        case .episode, .trend: defaultScope = kindName == "trend" ? .district : .city
        case .feed, .coverage: defaultScope = .city
        default: defaultScope = .station
        }
        let scopeText = try fields.optionalString("scope") ?? defaultScope.rawValue
        guard let parsedScope = AlertScope(rawValue: scopeText) else {
            throw .invalid(file: file, item: "rule '\(id)'", field: "scope", reason: "'\(scopeText)' is not station, district, city or national")
        }
        scope = parsedScope
        if case .feed = kind {
            guard scope != .station else {
                throw .invalid(file: file, item: "rule '\(id)'", field: "scope",
                               reason: "a feed rule watches a district, a city or the whole network (national); for single stations use a data rule with check 'missing'")
            }
        } else if case .coverage = kind {
            guard scope != .station else {
                throw .invalid(file: file, item: "rule '\(id)'", field: "scope",
                               reason: "a coverage rule watches a district, a city or the whole network (national); for single stations use a data rule with check 'missing'")
            }
        } else if scope == .national {
            throw .invalid(file: file, item: "rule '\(id)'", field: "scope", reason: "scope national is for feed and coverage rules only")
        }
        switch kind {
        case .ratio, .nightRise, .excess, .data:
            guard scope == .station else {
                throw .invalid(file: file, item: "rule '\(id)'", field: "scope", reason: "a \(kindName) rule watches stations; scope must be station")
            }
        case .trend:
            guard scope != .station else {
                throw .invalid(file: file, item: "rule '\(id)'", field: "scope", reason: "a trend rule ranks districts or cities")
            }
        default:
            break
        }
        let levels = try fields.levels(names: levelNames, needsThreshold: needsThreshold)
        let cooldown = try fields.integer("cooldown_hours", 1...8760, default: 24)
        let messages = try fields.optionalMessages("message") ?? [:]
        guard messages["zh"] != nil, messages["en"] != nil else {
            throw .invalid(file: file, item: "rule '\(id)'", field: "message", reason: "give templates for both zh and en")
        }
        for (language, template) in messages {
            for name in Template.placeholders(in: template) where !AlertFacts.available(for: kind).contains(name) {
                throw .invalid(file: file, item: "rule '\(id)'", field: "message.\(language)",
                               reason: "{\(name)} is not provided by \(kindName) rules; available: \(AlertFacts.available(for: kind).sorted().joined(separator: ", "))")
            }
        }
        let cities = try fields.optionalStrings("cities") ?? []
        if scope == .national, !cities.isEmpty {
            throw .invalid(file: file, item: "rule '\(id)'", field: "cities", reason: "a national rule watches every city; use scope city to name cities")
        }
        return AlertRule(id: id, campaign: campaign, kind: kind, scope: scope, cities: cities, levels: levels,
                         cooldownHours: cooldown, messages: messages, parsedMessages: messages.mapValues(Template.Parsed.init),
                         file: file)
    }
}
