import Foundation
import HazeModel
import HazeStore

/// Who acknowledged which episode, and when (`haze alert ack EPISODE --by
/// NAME`), for the monthly 督查 review: `<store>/alerts/acks.ndjson`, one line
/// per acknowledgement, appended and never rewritten.
///
///     {"time":"2019-03-01T09:12:05+08:00","episode":"pm25-hourly-high/1001A/2019-02-28T23:00+08:00","by":"张三","note":"已通知属地"}
package struct AcknowledgementBook: Sendable {
    package let path: String

    package init(storeDirectory: String) { path = storeDirectory + "/alerts/acks.ndjson" }

    package struct Acknowledgement: Sendable, Equatable {
        package var time: String
        package var episode: String
        package var by: String
        package var note: String
    }

    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownEpisode(String, suggestions: [String])
        case badName(String)

        package var description: String {
            switch self {
            case .unknownEpisode(let episode, let suggestions):
                return "no report of episode '\(episode)' is in the alert log"
                    + (suggestions.isEmpty ? "" : "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?")
                    + " (episodes are rule/subject/opening hour, as `haze alert log` shows them)"
            case .badName(let reason): return reason
            }
        }
    }

    /// Records an acknowledgement of an episode the log has reported. Call under the alert lock.
    package func acknowledge(episode: String, by: String, note: String, now: Double, zone: LocalZone,
                            logPath: String) throws -> Acknowledgement {
        for (label, text, limit) in [("--by", by, 100), ("--note", note, 1000)] {
            if label == "--by", text.trimmingCharacters(in: .whitespaces).isEmpty { throw Problem.badName("--by: give the name of who acknowledges") }
            if text.count > limit { throw Problem.badName("\(label): at most \(limit) characters") }
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw Problem.badName("\(label): no line breaks or control characters")
            }
        }
        var episodes = Set<String>()
        var found = false
        AlertFiles.forEachLine(logPath) { line, _, terminated in
            guard terminated, !found, let report = try? JSONValue.parse(Array(line)), let id = report["episode"]?.stringValue else { return }
            if id == episode { found = true } else { episodes.insert(id) }
        }
        guard found else { throw Problem.unknownEpisode(episode, suggestions: Suggestion.closest(to: episode, among: episodes, limit: 3)) }
        let acknowledgement = Acknowledgement(time: WallTime.format(now, zone: zone), episode: episode, by: by, note: note)
        let record: JSONValue = .object([("time", .string(acknowledgement.time)), ("episode", .string(episode)),
                                         ("by", .string(by)), ("note", .string(note))])
        try AtomicFile.appendLine(record.serialized(), to: path)
        return acknowledgement
    }

    /// Every acknowledgement, per episode, in order.
    package func all() -> [String: [Acknowledgement]] {
        var result: [String: [Acknowledgement]] = [:]
        AlertFiles.forEachLine(path) { line, _, terminated in
            guard terminated, let record = try? JSONValue.parse(Array(line)), let episode = record["episode"]?.stringValue else { return }
            result[episode, default: []].append(Acknowledgement(time: record["time"]?.stringValue ?? "", episode: episode,
                                                                by: record["by"]?.stringValue ?? "",
                                                                note: record["note"]?.stringValue ?? ""))
        }
        return result
    }
}
