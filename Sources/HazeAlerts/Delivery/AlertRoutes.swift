import Foundation
import HazeModel
import HazeRegistry

/// `alerts/routes.json`: the receivers, the zones and the routes.
///
///     {
///       "environment": ["KFQ_DINGTALK_TOKEN", "KFQ_DINGTALK_SECRET"],
///       "zones": { "经开区": ["1009A", "1010A"] },
///       "receivers": [ { "id": "kfq", "kind": "dingtalk",
///                        "url": "https://oapi.dingtalk.com/robot/send?access_token=${KFQ_DINGTALK_TOKEN}",
///                        "secret": "${KFQ_DINGTALK_SECRET}", "keywords": ["空气质量"] } ],
///       "routes": [ { "match": { "zone": "经开区" }, "receivers": ["kfq"] } ]
///     }
///
/// Secrets stay in the environment: `${NAME}` may name only the variables
/// listed in `"environment"` (the rule of pull sources). Everything is checked
/// when the file loads — unknown fields, rule ids, cities, districts, zones and
/// stations, receivers no route names or routes naming no receiver — so a typo
/// fails the run with the file, the item and the field, not a night's reports.
public struct AlertRoutes: Sendable {
    /// The file name read from the rules directory.
    public static let fileName = "routes.json"

    /// The routes file read.
    public var file: String
    /// The environment variables the receivers' `${…}` references need.
    public var environment: [String]
    /// The zones the file defines.
    public var zones: ZoneTable
    /// The receivers the file defines (disabled ones included, so routes may name them).
    public var receivers: [ReceiverConfiguration]
    /// The routes, in file order.
    public var routes: [AlertRouting.Route]

    /// Reads a routes file; rule, campaign, city and zone names are checked against `rules` and `registry`.
    /// Throws a `ConfigurationError` naming the file and field for a file that cannot be read or is wrong.
    public static func load(file: String, rules: RuleSet, registry: StationRegistry) throws(ConfigurationError) -> AlertRoutes {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadable(file: file, reason: FileManager.default.fileExists(atPath: file) ? "permission denied or not a file" : "no such file")
        }
        return try parse([UInt8](data), file: file, rules: rules, registry: registry)
    }

    /// Reads a routes file's bytes (`file` names it in messages); see `load`.
    public static func parse(_ bytes: [UInt8], file: String, rules: RuleSet, registry: StationRegistry) throws(ConfigurationError) -> AlertRoutes {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw .malformed(file: file, reason: error.description)
        }
        let top = try JSONFields(json, file: file, item: nil, context: "top level")
        try top.allow(["environment", "zones", "receivers", "routes", "description"])
        let environment = try top.optionalStrings("environment") ?? []
        for name in environment where !EnvironmentTemplate.isVariableName(name) {
            throw top.fail("environment", "'\(name)' is not an environment variable name (letters, digits and _, not starting with a digit)")
        }
        let zones = try ZoneTable.parse(top.object["zones"], fields: top, registry: registry)
        guard let receiverList = top.object["receivers"]?.arrayValue else { throw top.fail("receivers", "is required, an array of receivers") }
        var receivers: [ReceiverConfiguration] = []
        for (index, element) in receiverList.enumerated() {
            let receiver = try ReceiverConfiguration.parse(element, index: index, file: file, environment: environment)
            guard !receivers.contains(where: { $0.id == receiver.id }) else {
                throw .invalid(file: file, item: "receiver '\(receiver.id)'", field: "id", reason: "two receivers share this id")
            }
            receivers.append(receiver)
        }
        guard let routeList = top.object["routes"]?.arrayValue else { throw top.fail("routes", "is required, an array of routes") }
        let vocabulary = ReportMatch.Vocabulary(rules: rules, registry: registry, zones: zones)
        var routes: [AlertRouting.Route] = []
        for (index, element) in routeList.enumerated() {
            let fields = try JSONFields(element, file: file, item: "route #\(index + 1)", context: "routes[\(index)]")
            try fields.allow(["match", "receivers", "description"])
            let match = try ReportMatch.parse(fields.object["match"], fields: fields, name: "match", vocabulary: vocabulary)
            guard let names = try fields.optionalStrings("receivers"), !names.isEmpty else {
                throw fields.fail("receivers", "name at least one receiver")
            }
            for name in names where !receivers.contains(where: { $0.id == name }) {
                throw fields.fail("receivers", "no receiver is called '\(name)'" + Suggestion.hint(for: name, among: receivers.map(\.id)))
            }
            routes.append(.init(match: match, receivers: names))
        }
        for receiver in receivers where receiver.enabled && !routes.contains(where: { $0.receivers.contains(receiver.id) }) {
            throw .invalid(file: file, item: "receiver '\(receiver.id)'", field: "id",
                           reason: "no route names it; add a route (\"match\": {} sends it everything) or set \"enabled\": false")
        }
        return AlertRoutes(file: file, environment: environment, zones: zones, receivers: receivers, routes: routes)
    }

    /// The enabled receivers, their secrets filled in from `environment`
    /// (only the variables the file lists are ever read).
    public func makeReceivers(environment values: [String: String]) throws(ConfigurationError) -> [any AlertReceiver] {
        let allowed = values.filter { environment.contains($0.key) }
        var built: [any AlertReceiver] = []
        for receiver in receivers where receiver.enabled {
            built.append(try receiver.build(environment: allowed, file: file))
        }
        return built
    }

    /// The routing of these routes, with `silences` and the receivers' quiet hours.
    public func routing(silences: [AlertSilence] = []) -> AlertRouting {
        let enabled = receivers.filter(\.enabled)
        var quiet: [String: QuietHours] = [:]
        for receiver in enabled { if let hours = receiver.quietHours { quiet[receiver.id] = hours } }
        return AlertRouting(routes: routes, routed: Set(enabled.map(\.id)), zones: zones, silences: silences, quietHours: quiet)
    }
}
