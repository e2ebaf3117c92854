import Foundation
@testable import HazeModel

/// CNEMC's own derived rows (AQI, PM2.5_24h, PM10_24h) of the 59 day files,
/// read by the test itself (not by haze's parser) on the reference's time
/// axis: index i = (file date − 2019-01-01)·24 + hour label. A short
/// (truncated) row keeps every field but its last, as the reference does.
struct CNEMCRows: Sendable {
    static let base = CivilDate(year: 2019, month: 1, day: 1)!
    static let types = ["AQI", "PM2.5_24h", "PM10_24h"]
    static let pollutantTypes: Set<String> = ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]

    /// Station codes in the order they first appear in the headers.
    var stations: [String] = []
    /// values[type][code][i]: the cell as an integer, or -1.
    var values: [String: [String: [Int32]]] = [:]
    /// rows[type][i]: the file has a row of that type at i.
    var rows: [String: [Bool]] = [:]
    var hours = 0

    /// The hour of axis index i.
    static func hour(_ i: Int) -> Hour {
        LocalZone.beijing.hour(day: Day(base), hourOfDay: 0).advanced(by: i)
    }

    static let loaded: CNEMCRows = {
        var result = CNEMCRows()
        let files = TestPaths.cnemcFiles.filter { $0.hasSuffix(".csv") }
        result.hours = (files.count + 1) * 24
        for type in types + Array(pollutantTypes) { result.rows[type] = Array(repeating: false, count: result.hours) }
        for type in types { result.values[type] = [:] }
        var known = Set<String>()
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            var lines: [ArraySlice<UInt8>] = []
            var start = 0
            for (i, b) in bytes.enumerated() where b == 0x0A {
                lines.append(bytes[start ..< i])
                start = i + 1
            }
            if start < bytes.count { lines.append(bytes[start...]) }
            guard let headerLine = lines.first else { continue }
            func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
                var line = line
                if line.last == 0x0D { line = line.dropLast() }
                return line.split(separator: 0x2C, omittingEmptySubsequences: false)
            }
            var header = fields(headerLine).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
            if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
            for code in header.dropFirst(3) where !code.isEmpty && known.insert(code).inserted { result.stations.append(code) }
            for line in lines.dropFirst() {
                let cells = fields(line)
                guard cells.count >= 4 else { continue }
                let type = String(decoding: cells[2], as: UTF8.self)
                let isValueType = types.contains(type)
                guard isValueType || pollutantTypes.contains(type) else { continue }
                let dateText = String(decoding: cells[0], as: UTF8.self)
                guard let date = CivilDate(parsing: dateText), let label = Int(String(decoding: cells[1], as: UTF8.self)) else { continue }
                let i = (date.dayNumber - base.dayNumber) * 24 + label
                guard i >= 0, i < result.hours else { continue }
                result.rows[type]?[i] = true
                guard isValueType else { continue }
                let usable = cells.count >= header.count ? header.count : cells.count - 1
                let hours = result.hours
                for c in 3 ..< max(3, usable) {
                    let cell = cells[c]
                    guard !cell.isEmpty, let value = Double(String(decoding: cell, as: UTF8.self)) else { continue }
                    result.values[type, default: [:]][header[c], default: Array(repeating: -1, count: hours)][i] = Int32(value.rounded())
                }
            }
        }
        return result
    }()

    func value(_ type: String, _ code: String, _ i: Int) -> Int? {
        guard let series = values[type]?[code], i >= 0, i < series.count, series[i] >= 0 else { return nil }
        return Int(series[i])
    }

    /// No row of any of the six pollutants at i (an hour absent from the files).
    func pollutantRowsAbsent(_ i: Int) -> Bool {
        !Self.pollutantTypes.contains { rows[$0]?[i] == true }
    }
}
