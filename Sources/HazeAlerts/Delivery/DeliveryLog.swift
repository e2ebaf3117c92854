import Foundation
import HazeModel
import HazeStore

/// `<store>/alerts/deliveries.ndjson`: one line per message attempt and per
/// receiver left waiting — who was sent which reports, when, and what came
/// back. Appended, never rewritten; `haze alert log` joins it to the reports.
///
///     {"time":"2019-03-01T00:05:17+08:00","receiver":"duty","kind":"wecom","status":"delivered",
///      "attempt":1,"reports":40,"shown":31,"folded":9,"keys":["<episode>|<event>|<time>",…]}
///
/// `status` is `delivered`, `failed` (with `error`; the reports stay in the
/// outbox), `throttled` (the receiver's quota answer; blocked until
/// `blocked_until`) or `kept` (reports left for a later run, with `reason`).
struct DeliveryLog: Sendable {
    let path: String

    init(storeDirectory: String) { path = storeDirectory + "/alerts/deliveries.ndjson" }

    enum Status: String, Sendable {
        case delivered, failed, throttled, kept
    }

    /// The key of a report line: its episode, event and hour — unique per report.
    static func key(_ line: String) -> String {
        guard let value = try? JSONValue.parse(Array(line.utf8)) else { return StableHash.hex(Array(line.utf8)) }
        return key(value)
    }

    static func key(_ report: JSONValue) -> String {
        "\(report["episode"]?.stringValue ?? "")|\(report["event"]?.stringValue ?? "")|\(report["time"]?.stringValue ?? "")"
    }

    func append(time: Double, zone: LocalZone, receiver: any AlertReceiver, status: Status, attempt: Int? = nil,
                message: AlertMessage? = nil, lines: ArraySlice<String>? = nil, detail: String? = nil,
                extra: [(String, JSONValue)] = []) throws(StoreError) {
        var fields: [(String, JSONValue)] = [
            ("time", .string(WallTime.format(time, zone: zone))), ("receiver", .string(receiver.id)),
            ("kind", .string(receiver.kind)), ("status", .string(status.rawValue)),
        ]
        if let attempt { fields.append(("attempt", .int(attempt))) }
        if let message {
            fields += [("reports", .int(message.covered)), ("shown", .int(message.shown)), ("folded", .int(message.folded))]
        }
        if let lines { fields.append(("keys", .array(lines.map { .string(Self.key($0)) }))) }
        if let detail { fields.append((status == .kept ? "reason" : "error", .string(detail))) }
        fields += extra
        try AtomicFile.appendLine(JSONValue.object(fields).serialized(), to: path)
    }
}
