import HazeModel

/// The input formats `haze ingest` understands.
public enum IngestFormat: String, Sendable, CaseIterable, Codable {
    /// CNEMC `china_sites_YYYYMMDD.csv`: `date,hour,type,<station codes…>`.
    case cnemcWide = "cnemc-wide"
    /// `station,time,pollutant,value`, ISO-8601 times.
    case longCSV = "long-csv"
    /// The long CSV with minute times (micro-sensors): made into hourly means
    /// (≥ 45 minutes, GB 3095-2012 Table 4). Never guessed: given with `--format`.
    case longMinutes = "long-minutes"
    /// OpenAQ API v3 `/sensors/{id}/hours` or `/measurements` JSON.
    case openaqV3 = "openaq-v3"
    /// The CNEMC platform's hourly snapshot: `timepoint,stationcode,…,pm10,pm2_5,o3,no2,so2,co,…`.
    case cnemcHourly = "cnemc-hourly"

    /// Guesses the format from the first bytes of a payload (after any BOM).
    static func detect(_ bytes: [UInt8]) -> IngestFormat? {
        var start = TextEncoding.hasUTF8BOM(bytes) ? 3 : 0
        while start < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[start]) { start += 1 }
        guard start < bytes.count else { return nil }
        if bytes[start] == UInt8(ascii: "{") { return .openaqV3 }
        var end = start
        // The first line ends at LF, or at CR where lines end with CR alone (`LineBreaks`).
        let lineEnd: UInt8 = LineBreaks.areCR(bytes) ? 0x0D : 0x0A
        while end < bytes.count, bytes[end] != lineEnd, end - start < 4096 { end += 1 }
        if startsWideHeader(bytes, start ..< end) { return .cnemcWide }
        return detectByColumns(bytes, start ..< end)
    }

    /// `detect`'s general test of the first line `range`: its columns,
    /// lowercased and trimmed, name a format.
    static func detectByColumns(_ bytes: [UInt8], _ range: Range<Int>) -> IngestFormat? {
        let (start, end) = (range.lowerBound, range.upperBound)
        let header = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
        let columns = header.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: [" ", "\r", "\""]) }
        if columns.count >= 3, columns[0] == "date", columns[1] == "hour", columns[2] == "type" { return .cnemcWide }
        if CNEMCHourlyParser.isHeader(columns) { return .cnemcHourly }
        let needed: Set<String> = ["station", "time", "pollutant", "value"]
        if needed.isSubset(of: Set(columns)) { return .longCSV }
        return nil
    }
}

extension IngestFormat {
    /// True when the line `range` starts `date,hour,type` as `detect`'s
    /// general test reads it (lowercased, each column trimmed of spaces, CR
    /// and quotes), told from its bytes alone: the three columns are ASCII
    /// (so lowercasing and trimming act byte by byte) and the byte after
    /// the third comma is ASCII (so that comma is a character of its own, a
    /// column break). False sends `detect` down its general test.
    static func startsWideHeader(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        let names: [[UInt8]] = [Array("date".utf8), Array("hour".utf8), Array("type".utf8)]
        var i = range.lowerBound
        for (n, name) in names.enumerated() {
            let fieldStart = i
            while i < range.upperBound, bytes[i] != UInt8(ascii: ",") { i += 1 }
            var lower = fieldStart, upper = i
            @inline(__always) func trimmed(_ b: UInt8) -> Bool {
                b == UInt8(ascii: " ") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\"")
            }
            while lower < upper, trimmed(bytes[lower]) { lower += 1 }
            while upper > lower, trimmed(bytes[upper - 1]) { upper -= 1 }
            guard upper - lower == name.count else { return false }
            for k in 0 ..< name.count {
                let b = bytes[lower + k]
                // ASCII letters only, compared without case.
                guard b < 0x80, b | 0x20 == name[k] else { return false }
            }
            for k in fieldStart ..< lower where bytes[k] >= 0x80 { return false }
            for k in upper ..< i where bytes[k] >= 0x80 { return false }
            if n < 2 {
                guard i < range.upperBound else { return false }  // fewer than three columns
                i += 1
            }
        }
        // After the third column: the end of the line, or a comma and an ASCII byte (or nothing).
        return i == range.upperBound || i + 1 >= range.upperBound || bytes[i + 1] < 0x80
    }
}

extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = self[...]
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
