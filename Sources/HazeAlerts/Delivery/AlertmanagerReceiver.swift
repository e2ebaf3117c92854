import Foundation
import HazeModel
import HazeNet

/// Prometheus's Alertmanager as a receiver: reports are POSTed to
/// `/api/v2/alerts` as postable alerts, so a bureau that already runs
/// Alertmanager uses its routing, grouping, inhibition and silences.
///
/// One alert per episode: its labels are the same for every report of the
/// episode (`alertname` = the rule, `subject`, `scope`, `city`, `district`,
/// `campaign`, `severity`, `source="haze"` and the configured static labels),
/// its annotations carry the messages, level, value and peak. `startsAt` is
/// when the episode opened; a closing report sets `endsAt` to its hour; any
/// other report sets `endsAt` `firingHours` ahead, so the alert stays firing
/// until the next reminder (set the rules' `cooldown_hours` below it) and
/// resolves by itself if haze stops. An escalation also resolves the alert
/// at the lower severities, whose label set differs.
struct AlertmanagerReceiver: AlertReceiver {
    let id: String
    var kind: String { "alertmanager" }
    /// `…/api/v2/alerts`.
    let endpoint: URL
    let labels: [String: String]
    let firingHours: Int
    let generatorURL: String?
    let reportsPerMessage: Int
    let pacing: ReceiverPacing

    init(id: String, url: URL, labels: [String: String] = [:], firingHours: Int = 26, generatorURL: String? = nil,
                reportsPerMessage: Int = 500, pacing: ReceiverPacing = .init()) {
        self.id = id
        let text = url.absoluteString
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        self.endpoint = trimmed.hasSuffix("/api/v2/alerts") ? url : (URL(string: trimmed + "/api/v2/alerts") ?? url)
        self.labels = labels
        self.firingHours = firingHours
        self.generatorURL = generatorURL
        self.reportsPerMessage = max(1, reportsPerMessage)
        self.pacing = pacing
    }

    /// A label name Alertmanager accepts (`[a-zA-Z_][a-zA-Z0-9_]*`).
    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    func nextMessage(_ lines: ArraySlice<String>) -> AlertMessage {
        let count = min(reportsPerMessage, lines.count)
        let alerts = lines.prefix(count).flatMap { postable($0) }
        return AlertMessage(covered: count, shown: count, folded: 0, payload: JSONValue.array(alerts).serialized())
    }

    /// The postable alerts for one report line.
    func postable(_ line: String) -> [JSONValue] {
        guard let report = try? JSONValue.parse(Array(line.utf8)) else { return [] }
        func text(_ key: String) -> String { report[key]?.stringValue ?? "" }
        var labelSet: [String: String] = labels
        labelSet["alertname"] = text("rule")
        labelSet["source"] = "haze"
        for key in ["subject", "scope", "city", "district", "campaign", "severity", "kind"] where !text(key).isEmpty {
            labelSet[key] = text(key)
        }
        var annotations: [(String, JSONValue)] = [
            ("summary", .string(text("message_zh"))), ("description", .string(text("message_en"))),
            ("episode", .string(text("episode"))), ("event", .string(text("event"))), ("level", .string(text("level"))),
            ("name", .string(text("name"))), ("report_time", .string(text("time"))),
        ]
        for key in ["value", "peak"] {
            if let number = report[key]?.numberValue { annotations.append((key, .string(GBT8170.format(number, decimals: 1)))) }
        }
        let startsAt = Self.rfc3339(text("since"))
        let closed = text("event") == AlertEvent.Kind.closed.rawValue
        let endsAt = closed ? Self.rfc3339(text("time")) : Self.rfc3339(text("time"), plusHours: firingHours)
        func alert(_ labels: [String: String], endsAt: String) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("labels", .object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("annotations", .object(annotations)), ("startsAt", .string(startsAt)), ("endsAt", .string(endsAt)),
            ]
            if let generatorURL { fields.append(("generatorURL", .string(generatorURL))) }
            return .object(fields)
        }
        var result = [alert(labelSet, endsAt: endsAt)]
        if text("event") == AlertEvent.Kind.escalated.rawValue, let severity = Severity(rawValue: text("severity")) {
            for lower in Severity.allCases where lower < severity {
                var resolved = labelSet
                resolved["severity"] = lower.rawValue
                result.append(alert(resolved, endsAt: Self.rfc3339(text("time"))))
            }
        }
        return result
    }

    /// `2019-02-28T23:00+08:00` → `2019-02-28T23:00:00+08:00` (RFC 3339 needs
    /// seconds), moved `plusHours` ahead in the same offset.
    static func rfc3339(_ iso: String, plusHours: Int = 0) -> String {
        let offsetText = iso.hasSuffix("Z") ? "+00:00" : String(iso.suffix(6))
        let sign = offsetText.hasPrefix("-") ? -1 : 1
        let parts = offsetText.dropFirst().split(separator: ":")
        guard iso.count >= 17, parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              let zone = LocalZone(offsetMinutes: sign * (h * 60 + m)),
              case .success(let hour) = ISOHour.parse(iso, defaultZone: zone) else { return iso }
        let text = zone.format(hour.advanced(by: plusHours))
        return String(text.prefix(16)) + ":00" + text.dropFirst(16)
    }

    func post(_ message: AlertMessage, now: Date) -> DeliveryAnswer {
        let request = HTTPRequest(url: endpoint, method: "POST",
                                  headers: ["Content-Type": "application/json", "User-Agent": "haze/\(HazeVersion.current)"],
                                  body: Data(message.payload.utf8))
        let client = HTTPClient(policy: .init(deadline: pacing.attemptTimeout, attemptTimeout: pacing.attemptTimeout, attempts: 1))
        switch client.exchange(request) {
        case .failure(let error):
            return ReceiverAnswer.transport(error)
        case .success(let response):
            return ReceiverAnswer.status(response, url: endpoint, throttleSeconds: pacing.throttleSeconds) ?? .accepted
        }
    }
}
