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
        while end < bytes.count, bytes[end] != 0x0A, end - start < 4096 { end += 1 }
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

extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = self[...]
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
