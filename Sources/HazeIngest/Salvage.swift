import Foundation
import HazeModel
import HazeStore

/// Values a repair could not verify or restore, set aside instead of lost:
/// `<store>/salvage/hours-<time>.csv` is a long CSV (`station,time,pollutant,value`)
/// that `haze ingest` reads back once someone has judged the values good;
/// `<store>/salvage/days-<time>.csv` holds daily aggregates (`day,station,pollutant,sum,hours,mean`).
struct Salvage {
    let directory: String
    let zone: LocalZone
    private var hours: [String] = []
    private var days: [String] = []

    init(directory: String, zone: LocalZone) {
        self.directory = directory + "/salvage"
        self.zone = zone
    }

    var count: Int { hours.count + days.count }

    mutating func hour(_ hour: Hour, _ key: SeriesKey, raw: UInt16) {
        // A slot beyond the cap is no reading at all: record it as unreadable, not as a value.
        let value = UInt64(raw) <= HourlyRing.maximumRaw ? String(Int(raw) - 1) : "unreadable(\(raw))"
        hours.append(CSVWriter.line([key.station, zone.format(hour), key.pollutant.displayName, value]))
    }

    mutating func day(_ day: Day, _ key: SeriesKey, raw: UInt64) {
        let value = DailyValue(packed: raw, code: key.pollutant.rawValue)
        let fields = value == .empty
            ? [day.description, key.station, key.pollutant.displayName, "", "", "unreadable(\(raw))"]
            : [day.description, key.station, key.pollutant.displayName, String(value.sum), String(value.validHours),
               GBT8170.format(value.mean ?? 0, decimals: 3)]
        days.append(CSVWriter.line(fields))
    }

    /// Writes the files (if anything was set aside); returns their paths.
    func write() throws(StoreError) -> [String] {
        guard count > 0 else { return [] }
        try Directory.create(directory)
        let stamp = Int(Date().timeIntervalSince1970)
        var written: [String] = []
        if !hours.isEmpty {
            let path = directory + "/hours-\(stamp).csv"
            try AtomicFile.write(Array((CSVWriter.line(["station", "time", "pollutant", "value"]) + hours.joined()).utf8), to: path)
            written.append(path)
        }
        if !days.isEmpty {
            let path = directory + "/days-\(stamp).csv"
            try AtomicFile.write(Array((CSVWriter.line(["day", "station", "pollutant", "sum", "hours", "mean"]) + days.joined()).utf8), to: path)
            written.append(path)
        }
        return written
    }
}
