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

    /// Read with plain index loops over the bytes: the test target builds
    /// without optimisation, where iterators, slices and a `String` per cell
    /// made this reading a third of its suite's time.
    static let loaded: CNEMCRows = {
        var result = CNEMCRows()
        let files = TestPaths.cnemcFiles.filter { $0.hasSuffix(".csv") }
        let hours = (files.count + 1) * 24
        result.hours = hours
        var rows: [String: [Bool]] = [:]
        for type in types + Array(pollutantTypes) { rows[type] = Array(repeating: false, count: hours) }
        // values[type index][station index][i]
        var columns: [[[Int32]]] = Array(repeating: [], count: types.count)
        var stationIndex: [String: Int] = [:]
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            bytes.withUnsafeBufferPointer { buffer in
                let count = buffer.count
                var position = 0
                /// The cells of the line starting at `position` (CR dropped), moving past it.
                func nextLine() -> [Range<Int>] {
                    var cells: [Range<Int>] = []
                    var cellStart = position
                    var end = position
                    while end < count && buffer[end] != 0x0A { end += 1 }
                    let lineEnd = end > position && buffer[end - 1] == 0x0D ? end - 1 : end
                    var i = position
                    while i < lineEnd {
                        if buffer[i] == 0x2C { cells.append(cellStart ..< i); cellStart = i + 1 }
                        i += 1
                    }
                    cells.append(cellStart ..< lineEnd)
                    position = end + 1
                    return cells
                }
                func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self) }
                guard count > 0 else { return }
                var header = nextLine().map { text($0).trimmingCharacters(in: .whitespaces) }
                if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
                // The station index of each column (nil for the first three and empty codes).
                var columnStation = [Int?](repeating: nil, count: header.count)
                for c in 3 ..< max(3, header.count) where !header[c].isEmpty {
                    if let known = stationIndex[header[c]] {
                        columnStation[c] = known
                    } else {
                        stationIndex[header[c]] = result.stations.count
                        columnStation[c] = result.stations.count
                        result.stations.append(header[c])
                        for t in 0 ..< types.count { columns[t].append(Array(repeating: -1, count: hours)) }
                    }
                }
                while position < count {
                    let cells = nextLine()
                    guard cells.count >= 4 else { continue }
                    let type = text(cells[2])
                    let typeIndex = types.firstIndex(of: type)
                    guard typeIndex != nil || pollutantTypes.contains(type) else { continue }
                    guard let date = CivilDate(parsing: text(cells[0])), let label = Int(text(cells[1])) else { continue }
                    let i = (date.dayNumber - base.dayNumber) * 24 + label
                    guard i >= 0, i < hours else { continue }
                    rows[type]?[i] = true
                    guard let t = typeIndex else { continue }
                    let usable = cells.count >= header.count ? header.count : cells.count - 1
                    var c = 3
                    while c < usable {
                        let cell = cells[c]
                        if !cell.isEmpty, let station = columnStation[c], let value = Double(text(cell)) {
                            columns[t][station][i] = Int32(value.rounded())
                        }
                        c += 1
                    }
                }
            }
        }
        result.rows = rows
        for (t, type) in types.enumerated() {
            var byCode: [String: [Int32]] = [:]
            for (s, code) in result.stations.enumerated() where columns[t][s].contains(where: { $0 >= 0 }) { byCode[code] = columns[t][s] }
            result.values[type] = byCode
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
