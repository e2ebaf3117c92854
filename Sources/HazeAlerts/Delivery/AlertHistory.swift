import Foundation
import HazeModel

/// What was reported, to whom, whether it was delivered, when its episode
/// closed and who acknowledged it — read from the record, for `haze alert
/// log`: the report lines of `alerts.ndjson` as written (never re-derived),
/// joined with `deliveries.ndjson` and `acks.ndjson`. Reads each file once,
/// streaming.
package struct AlertHistory: Sendable {
    package struct Entry: Sendable {
        /// The log line, byte for byte.
        package var line: String
        package var report: JSONValue
        /// Receivers that took it, with when.
        package var delivered: [(receiver: String, time: String)] = []
        /// Receivers that have not taken it (yet), with the last error or reason.
        package var failed: [(receiver: String, time: String, error: String)] = []
        /// When its episode closed (the closing report's hour), nil while open.
        package var closed: String?
        package var acknowledged: [AcknowledgementBook.Acknowledgement] = []

        package func text(_ key: String) -> String { report[key]?.stringValue ?? "" }
    }

    /// Which reports: local dates of their hour (inclusive), a city, a rule.
    package struct Filter: Sendable {
        package var from: CivilDate?
        package var to: CivilDate?
        package var city: String?
        package var rule: String?

        package init(from: CivilDate? = nil, to: CivilDate? = nil, city: String? = nil, rule: String? = nil) {
            self.from = from
            self.to = to
            self.city = city
            self.rule = rule
        }

        func accepts(_ report: JSONValue) -> Bool {
            let date = String((report["time"]?.stringValue ?? "").prefix(10))
            if let from, date < from.description { return false }
            if let to, date > to.description { return false }
            if let city, report["city"]?.stringValue != city { return false }
            if let rule, report["rule"]?.stringValue != rule { return false }
            return true
        }
    }

    package let storeDirectory: String

    package init(storeDirectory: String) { self.storeDirectory = storeDirectory }

    package func entries(_ filter: Filter) -> [Entry] {
        let journal = AlertJournal(storeDirectory: storeDirectory)
        var entries: [Entry] = []
        var closedAt: [String: String] = [:]
        AlertFiles.forEachLine(journal.logPath) { line, _, terminated in
            guard terminated, let report = try? JSONValue.parse(Array(line)) else { return }
            if report["event"]?.stringValue == AlertEvent.Kind.closed.rawValue, let episode = report["episode"]?.stringValue {
                closedAt[episode] = report["time"]?.stringValue
            }
            if filter.accepts(report) { entries.append(Entry(line: String(decoding: line, as: UTF8.self), report: report)) }
        }
        var index: [String: [Int]] = [:]
        for (position, entry) in entries.enumerated() {
            index[DeliveryLog.key(entry.report), default: []].append(position)
            entries[position].closed = closedAt[entry.text("episode")]
        }
        AlertFiles.forEachLine(DeliveryLog(storeDirectory: storeDirectory).path) { line, _, terminated in
            guard terminated, let record = try? JSONValue.parse(Array(line)), let keys = record["keys"]?.arrayValue,
                  let receiver = record["receiver"]?.stringValue, let status = record["status"]?.stringValue else { return }
            let time = record["time"]?.stringValue ?? ""
            for key in keys.compactMap(\.stringValue) {
                for position in index[key] ?? [] {
                    if status == DeliveryLog.Status.delivered.rawValue {
                        entries[position].delivered.append((receiver, time))
                        entries[position].failed.removeAll { $0.receiver == receiver }
                    } else if !entries[position].delivered.contains(where: { $0.receiver == receiver }) {
                        entries[position].failed.removeAll { $0.receiver == receiver }
                        entries[position].failed.append((receiver, time, record["error"]?.stringValue ?? status))
                    }
                }
            }
        }
        let acknowledgements = AcknowledgementBook(storeDirectory: storeDirectory).all()
        for position in entries.indices {
            entries[position].acknowledged = acknowledgements[entries[position].text("episode")] ?? []
        }
        return entries
    }
}
