import Foundation
import HazeModel

/// One report as `haze alert` logged it (`alerts/alerts.ndjson`), for pages
/// that show the current alerts with their messages.
package struct LoggedReport: Sendable, Equatable {
    package var time: String
    package var event: String
    package var rule: String
    package var subject: String
    package var name: String
    package var city: String
    package var level: String
    package var severity: String
    package var since: String
    package var messageZH: String
    package var messageEN: String

    /// Decodes a log line; nil when it is not a report.
    init?(line: ArraySlice<UInt8>) {
        guard AlertLog.looksLikeReport(line), let value = try? JSONValue.parse(Array(line)) else { return nil }
        func text(_ key: String) -> String { value[key]?.stringValue ?? "" }
        time = text("time")
        event = text("event")
        rule = text("rule")
        subject = text("subject")
        name = text("name")
        city = text("city")
        level = text("level")
        severity = text("severity")
        since = text("since")
        messageZH = text("message_zh")
        messageEN = text("message_en")
        guard !rule.isEmpty, !subject.isEmpty else { return nil }
    }
}

extension AlertJournal {
    /// The newest logged report of each open episode (keyed `rule|subject`),
    /// read backwards from the end of the log, so a page of current alerts
    /// costs the log's recent part, not its whole history. Reading stops when
    /// every episode is found or `limitBytes` have been read; an episode
    /// whose report is further back (or whose log is damaged) is absent.
    package func latestReports(for episodes: [OpenEpisode], zone: LocalZone,
                              limitBytes: Int = 64 << 20) -> [String: LoggedReport] {
        var wanted: [String: String] = [:]
        for episode in episodes {
            wanted[episode.rule + "|" + episode.subject] = zone.format(Hour(episode.since))
        }
        var found: [String: LoggedReport] = [:]
        guard !wanted.isEmpty else { return found }
        let fd = open(logPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return found }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return found }
        var end = Int(info.st_size)
        let chunk = 1 << 16
        var carry: [UInt8] = []
        var read = 0
        while end > 0, found.count < wanted.count, read < limitBytes {
            let start = max(0, end - chunk)
            var buffer = [UInt8](repeating: 0, count: end - start)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
            guard n == end - start else { return found }
            read += n
            buffer += carry
            // Whole lines only: the part before the first line break may continue in the previous chunk.
            var lines = buffer.split(separator: 0x0A, omittingEmptySubsequences: false)
            carry = start > 0 ? Array(lines.removeFirst()) : []
            for line in lines.reversed() where !line.isEmpty {
                guard let report = LoggedReport(line: line) else { continue }
                let key = report.rule + "|" + report.subject
                if found[key] == nil, let since = wanted[key], report.since == since { found[key] = report }
            }
            end = start
        }
        return found
    }
}
