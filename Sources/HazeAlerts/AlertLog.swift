import Foundation
import HazeModel

/// `alerts/alerts.ndjson`, the record of every report, read back: checked
/// line by line, and replayed to find the episodes it leaves open (to rebuild
/// a lost or damaged state without sending anything again).
struct AlertLog {
    let path: String

    /// What a look through the log found.
    struct Scan {
        var lines = 0
        /// Lines that are not a report (1-based).
        var badLines: [Int] = []
        /// The last line has no line break: a write cut short.
        var tornLastLine: Int?
        var exists = true
    }

    /// A structural check of every line (a JSON object of one report, ended
    /// by a line break); reads in constant memory.
    func scan() -> Scan {
        var scan = Scan()
        scan.exists = AlertFiles.forEachLine(path) { line, number, terminated in
            scan.lines = number
            if !terminated { scan.tornLastLine = number; return }
            if !Self.looksLikeReport(line) { scan.badLines.append(number) }
        }
        return scan
    }

    /// A report line as haze writes it: `{"time":"…", …}`.
    static func looksLikeReport(_ line: ArraySlice<UInt8>) -> Bool {
        let prefix = Array("{\"time\":\"".utf8)
        return line.count > prefix.count && line.starts(with: prefix) && line.last == UInt8(ascii: "}")
    }

    /// The fields of a report line that rebuild an episode.
    struct Report: Decodable {
        var time: String
        var event: String
        var rule: String
        var kind: String
        var subject: String
        var since: String
        var level: String
        var peak: Double?
        var facts: [String: String]
    }

    /// The episodes the log leaves open, as last reported, and the newest
    /// report hour per timeline (data rules; `feed` rules on the clock).
    struct Replayed {
        var open: [OpenEpisode] = []
        var lastData: Hour?
        var lastClock: Hour?
        var reports = 0
        var unreadable: [Int] = []
    }

    /// Replays the log's reports in order. `levelIndex` maps a rule and a
    /// level name to the level's position (nil when the rule is unknown).
    func replay(zone: LocalZone, levelIndex: (String, String) -> Int?) -> Replayed {
        var result = Replayed()
        var open: [String: OpenEpisode] = [:]
        let decoder = JSONDecoder()
        AlertFiles.forEachLine(path) { line, number, terminated in
            guard terminated else { return }
            guard let report = try? decoder.decode(Report.self, from: Data(line)),
                  case .success(let hour) = ISOHour.parse(report.time, defaultZone: zone),
                  case .success(let since) = ISOHour.parse(report.since, defaultZone: zone) else {
                result.unreadable.append(number)
                return
            }
            result.reports += 1
            if report.kind == AlertKind.feed(hours: 1).name {
                result.lastClock = max(result.lastClock ?? hour, hour)
            } else {
                result.lastData = max(result.lastData ?? hour, hour)
            }
            let key = report.rule + "|" + report.subject
            let level = levelIndex(report.rule, report.level) ?? 0
            if report.event == AlertEvent.Kind.closed.rawValue {
                open[key] = nil
                return
            }
            var episode = open[key] ?? OpenEpisode(rule: report.rule, subject: report.subject, since: since.index, level: level,
                                                   reportedLevel: level, lastReported: hour.index, peak: report.peak,
                                                   facts: [:])
            if report.event == AlertEvent.Kind.opened.rawValue {
                episode.since = since.index
                episode.reportedLevel = level
            } else {
                episode.reportedLevel = max(episode.reportedLevel, level)
            }
            episode.level = level
            episode.lastReported = hour.index
            episode.peak = report.peak ?? episode.peak
            episode.facts = .text(report.facts.filter { !AlertFacts.common.contains($0.key) && $0.value != "—" })
            open[key] = episode
        }
        result.open = open.values.sorted(by: OpenEpisode.precedes)
        return result
    }
}
