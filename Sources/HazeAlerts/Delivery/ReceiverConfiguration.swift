import Foundation
import HazeModel
import HazeNet

/// One receiver of `alerts/routes.json`, as written: its kind, where it is,
/// its secrets (as `${VARIABLE}` references, filled in from the environment
/// only when a run builds it) and its limits.
public struct ReceiverConfiguration: Sendable {
    /// The kinds of receiver a routes file may define.
    public enum Kind: String, Sendable, CaseIterable {
        case wecom, dingtalk, feishu, webhook, alertmanager
    }

    public var id: String
    /// What kind of receiver it is.
    public var kind: Kind
    /// False: defined (for the file's routes to name) but not built or sent to.
    var enabled: Bool
    package var url: EnvironmentTemplate
    package var secret: EnvironmentTemplate?
    /// The message format (`text`/`markdown` for robots, `json`/`text` for webhooks); nil: the kind's default.
    public var format: String?
    /// The language of the messages.
    public var language: Language
    var keywords: [String]
    var mobiles: [String]
    var mentionAll: Bool
    /// A link appended to every message; nil: none.
    public var link: String?
    var reportsPerMessage: Int?
    var maxBytes: Int?
    var maxCharacters: Int?
    var perMinute: Int?
    /// Seconds a delivery to it may take in all, retries included.
    public var deadline: Double
    /// Seconds one attempt may wait for the answer before it is retried (at most `deadline`).
    /// A receiver that accepted a message but answered later than this gets it again on the
    /// retry: delivery is at least once, so a slow link wants a longer attempt, not more retries.
    public var attemptTimeout: Double
    var quietHours: QuietHours?
    /// Labels added to every alert (Alertmanager).
    public var labels: [String: String]
    var firingHours: Int
    var generatorURL: String?

    static let common = ["id", "kind", "url", "enabled", "description", "language", "deadline_seconds", "attempt_timeout_seconds", "quiet_hours",
                         "reports_per_message", "max_bytes", "max_characters", "per_minute", "link"]

    static func parse(_ element: JSONValue, index: Int, file: String, environment: [String]) throws(ConfigurationError) -> ReceiverConfiguration {
        var fields = try JSONFields(element, file: file, item: "receiver #\(index + 1)", context: "receivers[\(index)]")
        let id = try fields.string("id")
        if let problem = PlainName.problem(id) {
            throw fields.fail("id", "'\(id)' \(problem); a receiver id names its outbox, so it must be a plain name (letters, digits, '-', '_', '.')")
        }
        fields.item = "receiver '\(id)'"
        let kindText = try fields.string("kind")
        guard let kind = Kind(rawValue: kindText) else {
            throw fields.fail("kind", "'\(kindText)' is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))"
                              + (kindText == "email" ? " (mail is not supported: FoundationNetworking's URLSession speaks HTTP, not SMTP)" : "")
                              + Suggestion.hint(for: kindText, among: Kind.allCases.map(\.rawValue), limit: 1))
        }
        let specific: [String]
        switch kind {
        case .wecom: specific = ["format", "mentioned_mobiles", "mention_all"]
        case .dingtalk: specific = ["format", "secret", "keywords", "at_mobiles", "at_all"]
        case .feishu: specific = ["secret", "keywords"]
        case .webhook: specific = ["format"]
        case .alertmanager: specific = ["labels", "firing_hours", "generator_url"]
        }
        try fields.allow(common + specific)
        func template(_ name: String) throws(ConfigurationError) -> EnvironmentTemplate? {
            guard let text = try fields.optionalString(name) else { return nil }
            switch EnvironmentTemplate.parse(text) {
            case .failure(let problem): throw fields.fail(name, problem.reason)
            case .success(let template):
                for variable in template.variables where !environment.contains(variable) {
                    throw fields.fail(name, "uses ${\(variable)}, which the file does not list in \"environment\" (add \"\(variable)\" to the top-level \"environment\" array to let it read that variable)")
                }
                return template
            }
        }
        guard let url = try template("url") else { throw fields.fail("url", "is required") }
        if case .text(let literal)? = url.parts.first, !(literal.hasPrefix("http://") || literal.hasPrefix("https://")) {
            throw fields.fail("url", "must be an http(s) URL")
        }
        let formats: [String] = switch kind {
        case .wecom, .dingtalk: ChatRobot.Format.allCases.map(\.rawValue)
        case .webhook: Webhook.Format.allCases.map(\.rawValue)
        default: []
        }
        let format = try fields.optionalString("format")
        if let format, !formats.contains(format) {
            throw fields.fail("format", "'\(format)' is not one of \(formats.joined(separator: ", "))")
        }
        let languageText = try fields.optionalString("language") ?? "zh"
        guard let language = Language(rawValue: languageText) else { throw fields.fail("language", "must be zh or en") }
        let mobiles = try fields.optionalStrings(kind == .wecom ? "mentioned_mobiles" : "at_mobiles") ?? []
        for mobile in mobiles where !(mobile.count >= 3 && mobile.count <= 20 && mobile.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "+" || $0 == "-") }) {
            throw fields.fail(kind == .wecom ? "mentioned_mobiles" : "at_mobiles", "'\(mobile)' is not a mobile number")
        }
        let mentionAll = try fields.bool(kind == .wecom ? "mention_all" : "at_all", default: false)
        if kind == .wecom, format ?? "markdown" == "markdown", !mobiles.isEmpty || mentionAll {
            throw fields.fail("mentioned_mobiles", "WeCom mentions by mobile only in text messages; add \"format\": \"text\"")
        }
        let keywords = try fields.optionalStrings("keywords") ?? []
        if keywords.contains(where: \.isEmpty) { throw fields.fail("keywords", "a keyword must not be empty") }
        var labels: [String: String] = [:]
        if let value = fields.object["labels"] {
            guard let entries = value.objectFields else { throw fields.fail("labels", "must map label names to text") }
            for (name, text) in entries {
                guard AlertmanagerReceiver.isLabelName(name) else { throw fields.fail("labels", "'\(name)' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)") }
                guard let text = text.stringValue else { throw fields.fail("labels.\(name)", "must be text") }
                labels[name] = text
            }
        }
        // Limits: never above what the vendor accepts (a message it refuses would stay in the outbox for ever).
        let vendor = ChatRobot.Vendor(rawValue: kind.rawValue)
        let documented = vendor.map { ChatRobot.documentedLimits($0, ChatRobot.Format(rawValue: format ?? ($0 == .wecom ? "markdown" : "text")) ?? .text) }
        let maxBytes: Int? = fields.object["max_bytes"] == nil ? nil
            : try fields.integer("max_bytes", 256...(documented?.maxBytes ?? 100_000_000))
        let quota = vendor.map { ChatRobot.documentedPacing($0).windows[0].count }
        let perMinute: Int? = fields.object["per_minute"] == nil ? nil : try fields.integer("per_minute", 1...(quota ?? 10_000))
        var quiet: QuietHours?
        if let value = fields.object["quiet_hours"] { quiet = try QuietHours.parse(value, fields: fields, name: "quiet_hours") }
        let link = try fields.optionalString("link")
        if let link, link.contains(where: { $0.isNewline }) { throw fields.fail("link", "must be one line") }
        return ReceiverConfiguration(
            id: id, kind: kind, enabled: try fields.bool("enabled", default: true), url: url,
            secret: kind == .dingtalk || kind == .feishu ? try template("secret") : nil, format: format, language: language,
            keywords: keywords, mobiles: mobiles, mentionAll: mentionAll, link: link,
            reportsPerMessage: fields.object["reports_per_message"] == nil ? nil : try fields.integer("reports_per_message", 1...10_000),
            maxBytes: maxBytes,
            maxCharacters: fields.object["max_characters"] == nil ? nil : try fields.integer("max_characters", 100...100_000_000),
            perMinute: perMinute, deadline: try fields.number("deadline_seconds", 1...600, default: 20),
            attemptTimeout: try fields.number("attempt_timeout_seconds", 1...600, default: 8), quietHours: quiet,
            labels: labels, firingHours: try fields.integer("firing_hours", 1...8760, default: 26),
            generatorURL: try fields.optionalString("generator_url"))
    }

    /// The receiver, its `${VARIABLE}`s filled in from `environment`.
    func build(environment: [String: String], file: String) throws(ConfigurationError) -> any AlertReceiver {
        func fail(_ field: String, _ reason: String) -> ConfigurationError {
            .invalid(file: file, item: "receiver '\(id)'", field: field, reason: reason)
        }
        func expand(_ template: EnvironmentTemplate, _ field: String) throws(ConfigurationError) -> String {
            switch template.expand(environment) {
            case .success(let text): return text
            case .failure(.unset(let name)): throw fail(field, "needs the environment variable \(name), which is not set")
            case .failure(.unsafe(let name)): throw fail(field, "the environment variable \(name) holds a line break or NUL")
            }
        }
        let text = try expand(url, "url")
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            throw fail("url", "'\(Redaction.redact(url: text))' is not an http(s) URL")
        }
        let secret = try self.secret.map { template throws(ConfigurationError) in try expand(template, "secret") }
        let timeout = min(attemptTimeout, deadline)
        switch kind {
        case .wecom, .dingtalk, .feishu:
            let vendor = ChatRobot.Vendor(rawValue: kind.rawValue) ?? .wecom
            let chatFormat = format.flatMap(ChatRobot.Format.init(rawValue:))
            var limits = ChatRobot.documentedLimits(vendor, chatFormat ?? (vendor == .wecom ? .markdown : .text))
            if let maxBytes { limits.maxBytes = maxBytes }
            if let maxCharacters { limits.maxCharacters = maxCharacters }
            var pacing = ChatRobot.documentedPacing(vendor)
            if let perMinute { pacing.windows[0].count = perMinute }
            pacing.deadline = deadline
            pacing.attemptTimeout = timeout
            return ChatRobot(id: id, vendor: vendor, url: url, secret: secret, format: chatFormat,
                             style: AlertDigest.Style(language: language, keyword: keywords.first, link: link),
                             reportsPerMessage: reportsPerMessage ?? 100, limits: limits, pacing: pacing, mobiles: mobiles,
                             mentionAll: mentionAll)
        case .webhook:
            let webhookFormat = format.flatMap(Webhook.Format.init(rawValue:)) ?? .json
            var limits: MessageLimits? = nil
            if maxBytes != nil || maxCharacters != nil {
                limits = MessageLimits(maxBytes: maxBytes ?? Int.max, maxCharacters: maxCharacters,
                                       counted: webhookFormat == .json ? .body : .content)
            }
            return Webhook(url: url, format: webhookFormat, language: language,
                           policy: .init(deadline: deadline, attemptTimeout: timeout, attempts: 4, backoff: 0.5), id: id,
                           reportsPerMessage: reportsPerMessage, limits: limits,
                           style: AlertDigest.Style(language: language, link: link),
                           windows: perMinute.map { [.init(count: $0, seconds: 61)] } ?? [])
        case .alertmanager:
            return AlertmanagerReceiver(id: id, url: url, labels: labels, firingHours: firingHours, generatorURL: generatorURL,
                                        reportsPerMessage: reportsPerMessage ?? 500,
                                        pacing: ReceiverPacing(windows: perMinute.map { [.init(count: $0, seconds: 61)] } ?? [],
                                                               throttleSeconds: 60, attempts: 4, deadline: deadline,
                                                               attemptTimeout: timeout))
        }
    }
}
