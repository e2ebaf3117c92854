import Foundation
import HazeModel
import HazeStore

/// Where silences are kept: the silences file beside the rules
/// (`alerts/silences.json`, written by hand and reviewed like the rules) and
/// the store's book of silences set from the command line
/// (`<store>/alerts/silences.ndjson`, `haze alert silence`: appended, never
/// rewritten, so who silenced what, when and why stays on record; expiring
/// one early appends an `expire` line).
///
///     {"action":"add","id":"s1","created":"2019-03-01T09:12:05+08:00","by":"张三","reason":"施工",
///      "match":{"district":["大兴区"]},"from":null,"until":"2019-03-15T00:00+08:00"}
///     {"action":"expire","id":"s1","time":"2019-03-05T17:00:41+08:00","by":"张三"}
package struct SilenceBook: Sendable {
    package static let fileName = "silences.json"
    package let path: String

    package init(storeDirectory: String) { path = storeDirectory + "/alerts/silences.ndjson" }

    /// Every silence of the book, expired ones with `until` moved to their expiry hour.
    package func silences(zone: LocalZone) throws(AlertFileProblem) -> [AlertSilence] {
        var silences: [AlertSilence] = []
        var problem: AlertFileProblem?
        AlertFiles.forEachLine(path) { line, number, terminated in
            // A last line cut short (a kill while appending) was never written.
            guard terminated, problem == nil else { return }
            guard let record = try? JSONValue.parse(Array(line)), let action = record["action"]?.stringValue,
                  let id = record["id"]?.stringValue else {
                problem = AlertFileProblem(path: path, cause: .badLines([number]))
                return
            }
            if action == "expire" {
                let at = record["time"]?.stringValue.flatMap { try? ISOHour.parse($0.prefix(13) + ":00" + $0.dropFirst(19), defaultZone: zone).get() }
                for index in silences.indices where silences[index].id == id {
                    silences[index].until = min(silences[index].until, at ?? silences[index].until)
                }
                return
            }
            guard action == "add", let untilText = record["until"]?.stringValue,
                  case .success(let until) = ISOHour.parse(untilText, defaultZone: zone) else {
                problem = AlertFileProblem(path: path, cause: .badLines([number]))
                return
            }
            var match = ReportMatch()
            for (name, values) in record["match"]?.objectFields ?? [] {
                guard let field = ReportMatch.Field(rawValue: name) else { continue }
                match.set(field, Set((values.arrayValue ?? []).compactMap(\.stringValue)))
            }
            let from = record["from"]?.stringValue.flatMap { try? ISOHour.parse($0, defaultZone: zone).get() }
            silences.append(AlertSilence(id: id, match: match, from: from, until: until,
                                         reason: record["reason"]?.stringValue ?? "", by: record["by"]?.stringValue ?? "",
                                         created: record["created"]?.stringValue ?? "", source: "haze alert silence"))
        }
        if let problem { throw problem }
        return silences
    }

    /// Adds a silence; its id is `s<n>`, n counting the book's silences. Call under the alert lock.
    package func add(match: ReportMatch, from: Hour?, until: Hour, by: String, reason: String, now: Double,
                    zone: LocalZone) throws -> AlertSilence {
        let count = try silences(zone: zone).count
        let silence = AlertSilence(id: "s\(count + 1)", match: match, from: from, until: until, reason: reason, by: by,
                                   created: WallTime.format(now, zone: zone), source: "haze alert silence")
        let record: JSONValue = .object([
            ("action", .string("add")), ("id", .string(silence.id)), ("created", .string(silence.created)),
            ("by", .string(by)), ("reason", .string(reason)), ("match", match.json),
            ("from", from.map { .string(zone.format($0)) } ?? .null), ("until", .string(zone.format(until))),
        ])
        try Directory.create((path as NSString).deletingLastPathComponent)
        try AtomicFile.appendLine(record.serialized(), to: path)
        return silence
    }

    /// Ends a silence now: reports about the hour it is now and later are no
    /// longer covered. Call under the alert lock.
    package func expire(id: String, by: String, now: Double, zone: LocalZone) throws {
        let record: JSONValue = .object([("action", .string("expire")), ("id", .string(id)),
                                         ("time", .string(WallTime.format(now, zone: zone))), ("by", .string(by))])
        try AtomicFile.appendLine(record.serialized(), to: path)
    }

    /// The silences file of the rules directory (none when it does not exist).
    ///
    ///     { "silences": [ { "id": "yizhuang-site", "match": { "district": "大兴区" },
    ///                       "from": "2019-03-01T08:00", "until": "2019-03-15T00:00", "reason": "施工" } ] }
    package static func loadFile(_ file: String, vocabulary: ReportMatch.Vocabulary, zone: LocalZone) throws(ConfigurationError) -> [AlertSilence] {
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(file: file, reason: "permission denied or not a file") }
        let json: JSONValue
        do {
            json = try JSONValue.parse([UInt8](data))
        } catch {
            throw .malformed(file: file, reason: error.description)
        }
        let top = try JSONFields(json, file: file, item: nil, context: "top level")
        try top.allow(["silences", "description"])
        guard let list = top.object["silences"]?.arrayValue else { throw top.fail("silences", "is required, an array of silences") }
        var silences: [AlertSilence] = []
        for (index, element) in list.enumerated() {
            var fields = try JSONFields(element, file: file, item: "silence #\(index + 1)", context: "silences[\(index)]")
            let id = try fields.string("id")
            if let problem = PlainName.problem(id) { throw fields.fail("id", "'\(id)' \(problem)") }
            fields.item = "silence '\(id)'"
            try fields.allow(["id", "match", "from", "until", "reason", "by"])
            guard !silences.contains(where: { $0.id == id }) else { throw fields.fail("id", "two silences share this id") }
            let match = try ReportMatch.parse(fields.object["match"], fields: fields, name: "match", vocabulary: vocabulary)
            guard !match.isEverything else { throw fields.fail("match", "name at least one field: a silence of everything would stop every report") }
            func hour(_ name: String) throws(ConfigurationError) -> Hour? {
                guard let text = try fields.optionalString(name) else { return nil }
                switch ISOHour.parse(text, defaultZone: zone) {
                case .success(let hour): return hour
                case .failure(let failure): throw fields.fail(name, "'\(text)': \(failure) (a whole hour like 2019-03-15T00:00, local time)")
                }
            }
            guard let until = try hour("until") else { throw fields.fail("until", "is required (a silence ends)") }
            let from = try hour("from")
            if let from, from >= until { throw fields.fail("from", "is not before until") }
            silences.append(AlertSilence(id: id, match: match, from: from, until: until, reason: try fields.optionalString("reason") ?? "",
                                         by: try fields.optionalString("by") ?? "", source: file))
        }
        return silences
    }
}
