import Foundation

/// Why a rule file was refused: always names the file, the rule and the field.
public enum RuleSetError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)
    case invalid(file: String, rule: String?, field: String, reason: String)
    case duplicateRule(id: String, files: [String])
    case noRuleFiles(String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .malformed(let file, let reason):
            return "\(file): not valid JSON: \(reason)"
        case .invalid(let file, let rule, let field, let reason):
            return "\(file): " + (rule.map { "rule '\($0)': " } ?? "") + "field '\(field)': \(reason)"
        case .duplicateRule(let id, let files):
            return "rule id '\(id)' is defined twice (\(files.joined(separator: ", "))); ids must be unique across rule files"
        case .noRuleFiles(let dir):
            return "no *.json rule files in '\(dir)'"
        }
    }
}

/// The alert rules of every campaign file in a directory (`alerts/`).
public struct RuleSet: Sendable {
    public var rules: [AlertRule]
    /// Campaign titles by campaign id and language.
    public var campaigns: [String: [String: String]]

    public init(rules: [AlertRule], campaigns: [String: [String: String]] = [:]) {
        self.rules = rules
        self.campaigns = campaigns
    }

    /// Loads every `*.json` in `directory`, in name order.
    public static func load(directory: String) throws(RuleSetError) -> RuleSet {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        guard !names.isEmpty else { throw .noRuleFiles(directory) }
        var set = RuleSet(rules: [])
        var seen: [String: String] = [:]
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .unreadable(file: path, reason: "permission denied or not a file")
            }
            let file = try parse(data: [UInt8](data), file: path)
            for rule in file.rules {
                if let other = seen[rule.id] { throw .duplicateRule(id: rule.id, files: [other, path]) }
                seen[rule.id] = path
            }
            set.rules += file.rules
            set.campaigns.merge(file.campaigns) { a, _ in a }
        }
        return set
    }

    /// Parses one campaign file.
    public static func parse(data: [UInt8], file: String) throws(RuleSetError) -> RuleSet {
        let object: JSONValue
        do {
            object = try JSONValue.parse(data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw .malformed(file: file, reason: underlying ?? context.debugDescription)
        } catch {
            throw .malformed(file: file, reason: "\(error)")
        }
        let top = try Fields(object, file: file, rule: nil, context: "top level")
        try top.allow(["campaign", "title", "description", "rules"])
        let campaign = try top.string("campaign")
        let title = try top.optionalMessages("title") ?? [:]
        let rulesValue = try top.require("rules")
        guard let array = rulesValue.arrayValue else {
            throw .invalid(file: file, rule: nil, field: "rules", reason: "must be an array of rules")
        }
        var rules: [AlertRule] = []
        for (index, element) in array.enumerated() {
            rules.append(try parseRule(element, index: index, campaign: campaign, file: file))
        }
        return RuleSet(rules: rules, campaigns: [campaign: title])
    }

    static func parseRule(_ element: JSONValue, index: Int, campaign: String, file: String) throws(RuleSetError) -> AlertRule {
        var fields = try Fields(element, file: file, rule: "#\(index + 1)", context: "rules[\(index)]")
        let id = try fields.string("id")
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw .invalid(file: file, rule: id, field: "id", reason: "use letters, digits, - and _ only")
        }
        fields.rule = id
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
                throw .invalid(file: file, rule: id, field: "season", reason: "'\(seasonText)' is not MM-DD/MM-DD")
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
                throw .invalid(file: file, rule: id, field: "check",
                               reason: "'\(other)' is not one of missing, flat, pm25-above-pm10, drop")
            }
            kind = .data(check: check)
        default:
            throw .invalid(file: file, rule: id, field: "kind",
                           reason: "'\(kindName)' is not one of threshold, rolling, episode, ratio, night-rise, excess, trend, data")
        }
        let defaultScope: AlertScope
        switch kind {
        case .episode, .trend: defaultScope = kindName == "trend" ? .district : .city
        default: defaultScope = .station
        }
        let scopeText = try fields.optionalString("scope") ?? defaultScope.rawValue
        guard let parsedScope = AlertScope(rawValue: scopeText) else {
            throw .invalid(file: file, rule: id, field: "scope", reason: "'\(scopeText)' is not station, district or city")
        }
        scope = parsedScope
        switch kind {
        case .ratio, .nightRise, .excess, .data:
            guard scope == .station else {
                throw .invalid(file: file, rule: id, field: "scope", reason: "a \(kindName) rule watches stations; scope must be station")
            }
        case .trend:
            guard scope != .station else {
                throw .invalid(file: file, rule: id, field: "scope", reason: "a trend rule ranks districts or cities")
            }
        default:
            break
        }
        let levels = try fields.levels(names: levelNames, needsThreshold: needsThreshold)
        let cooldown = try fields.integer("cooldown_hours", 1...8760, default: 24)
        let messages = try fields.optionalMessages("message") ?? [:]
        guard messages["zh"] != nil, messages["en"] != nil else {
            throw .invalid(file: file, rule: id, field: "message", reason: "give templates for both zh and en")
        }
        for (language, template) in messages {
            for name in AlertFacts.placeholders(in: template) where !AlertFacts.available(for: kind).contains(name) {
                throw .invalid(file: file, rule: id, field: "message.\(language)",
                               reason: "{\(name)} is not provided by \(kindName) rules; available: \(AlertFacts.available(for: kind).sorted().joined(separator: ", "))")
            }
        }
        let cities = try fields.optionalStrings("cities") ?? []
        return AlertRule(id: id, campaign: campaign, kind: kind, scope: scope, cities: cities, levels: levels,
                         cooldownHours: cooldown, messages: messages, file: file)
    }
}

/// Typed access to a JSON object, with errors that name file, rule and field.
struct Fields {
    let object: [String: JSONValue]
    let file: String
    var rule: String?

    init(_ value: JSONValue, file: String, rule: String?, context: String) throws(RuleSetError) {
        guard let fields = value.objectFields else {
            throw .invalid(file: file, rule: rule, field: context, reason: "must be a JSON object")
        }
        self.object = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        self.file = file
        self.rule = rule
    }

    func fail(_ field: String, _ reason: String) -> RuleSetError {
        .invalid(file: file, rule: rule, field: field, reason: reason)
    }

    func allow(_ names: [String]) throws(RuleSetError) {
        for key in object.keys.sorted() where !names.contains(key) {
            let close = names.min { editDistance($0, key) < editDistance($1, key) }
            let hint = close.flatMap { editDistance($0, key) <= 3 ? "; did you mean '\($0)'?" : nil } ?? ""
            throw fail(key, "unknown field\(hint)")
        }
    }

    func require(_ name: String) throws(RuleSetError) -> JSONValue {
        guard let value = object[name] else { throw fail(name, "is required") }
        return value
    }

    func string(_ name: String) throws(RuleSetError) -> String {
        guard let text = try require(name).stringValue, !text.isEmpty else { throw fail(name, "must be a non-empty string") }
        return text
    }

    func optionalString(_ name: String) throws(RuleSetError) -> String? {
        guard let value = object[name] else { return nil }
        guard let text = value.stringValue else { throw fail(name, "must be a string") }
        return text
    }

    func optionalStrings(_ name: String) throws(RuleSetError) -> [String]? {
        guard let value = object[name] else { return nil }
        guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count else {
            throw fail(name, "must be an array of strings")
        }
        return list
    }

    func number(_ name: String, _ range: ClosedRange<Double>, default fallback: Double? = nil) throws(RuleSetError) -> Double {
        guard let value = object[name] else {
            if let fallback { return fallback }
            throw fail(name, "is required")
        }
        guard let number = value.numberValue, range.contains(number) else {
            throw fail(name, "must be a number in \(Self.show(range.lowerBound))…\(Self.show(range.upperBound))")
        }
        return number
    }

    func integer(_ name: String, _ range: ClosedRange<Int>, default fallback: Int? = nil) throws(RuleSetError) -> Int {
        let value = try number(name, Double(range.lowerBound)...Double(range.upperBound), default: fallback.map(Double.init))
        guard value == value.rounded() else { throw fail(name, "must be a whole number in \(range.lowerBound)…\(range.upperBound)") }
        return Int(value)
    }

    func bool(_ name: String, default fallback: Bool) throws(RuleSetError) -> Bool {
        guard let value = object[name] else { return fallback }
        guard let flag = value.boolValue else { throw fail(name, "must be true or false") }
        return flag
    }

    func pollutant(_ name: String) throws(RuleSetError) -> Pollutant {
        let text = try string(name)
        guard let pollutant = Pollutant(name: text) else { throw fail(name, "'\(text)' is not pm2.5 or pm10") }
        return pollutant
    }

    func hours(_ name: String, default fallback: [Int]) throws(RuleSetError) -> [Int] {
        guard let value = object[name] else { return fallback }
        let list = value.arrayValue?.compactMap { $0.numberValue.flatMap { Int(exactly: $0) } } ?? []
        guard !list.isEmpty, list.count == value.arrayValue?.count, list.allSatisfy({ (0...23).contains($0) }) else {
            throw fail(name, "must be a non-empty array of hours 0…23")
        }
        return list
    }

    func optionalMessages(_ name: String) throws(RuleSetError) -> [String: String]? {
        guard let value = object[name] else { return nil }
        guard let fields = value.objectFields else { throw fail(name, "must map languages (zh, en) to text") }
        var map: [String: String] = [:]
        for (key, text) in fields {
            guard key == "zh" || key == "en" else { throw fail("\(name).\(key)", "languages are zh and en") }
            guard let text = text.stringValue else { throw fail("\(name).\(key)", "must be text") }
            map[key] = text
        }
        return map
    }

    func severity(_ value: JSONValue?, field: String) throws(RuleSetError) -> Severity {
        guard let text = value?.stringValue, let severity = Severity(rawValue: text) else {
            throw fail(field, "must be info, warning or critical")
        }
        return severity
    }

    /// `levels`, or the `threshold` + `severity` shorthand.
    func levels(names: [String]?, needsThreshold: Bool) throws(RuleSetError) -> [AlertRule.Level] {
        if let value = object["levels"] {
            guard object["threshold"] == nil, object["severity"] == nil else {
                throw fail("levels", "give either levels or threshold and severity, not both")
            }
            guard let list = value.arrayValue, !list.isEmpty else { throw fail("levels", "must be a non-empty array") }
            var levels: [AlertRule.Level] = []
            for (i, element) in list.enumerated() {
                let field = "levels[\(i)]"
                guard let fields = element.objectFields else { throw fail(field, "must be an object") }
                let entry = Dictionary(fields, uniquingKeysWith: { a, _ in a })
                for key in entry.keys.sorted() where !["name", "threshold", "severity"].contains(key) {
                    throw fail("\(field).\(key)", "unknown field")
                }
                let severity = try severity(entry["severity"], field: "\(field).severity")
                var threshold: Double?
                if needsThreshold {
                    guard let number = entry["threshold"]?.numberValue, (0...10000).contains(number) else {
                        throw fail("\(field).threshold", "must be a number in 0…10000 (µg/m³)")
                    }
                    if let previous = levels.last?.threshold, number <= previous {
                        throw fail("\(field).threshold", "levels must rise: \(Self.show(number)) is not above \(Self.show(previous))")
                    }
                    threshold = number
                }
                let name = entry["name"]?.stringValue ?? names.map { $0[min(i, $0.count - 1)] } ?? severity.rawValue
                if let names, !names.contains(name) {
                    throw fail("\(field).name", "'\(name)' is not one of \(names.joined(separator: ", "))")
                }
                levels.append(.init(name: name, threshold: threshold, severity: severity))
            }
            if let names, levels.map(\.name) != Array(names.prefix(levels.count)) {
                throw fail("levels", "episode levels are, in order: \(names.joined(separator: ", "))")
            }
            return levels
        }
        let severity = try severity(object["severity"] ?? .string("warning"), field: "severity")
        if needsThreshold {
            let threshold = try number("threshold", 0...10000)
            return [.init(name: severity.rawValue, threshold: threshold, severity: severity)]
        }
        if let names { return names.map { .init(name: $0, threshold: nil, severity: severity) } }
        return [.init(name: severity.rawValue, threshold: nil, severity: severity)]
    }

    static func show(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
