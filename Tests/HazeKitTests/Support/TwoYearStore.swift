import Foundation
@testable import HazeCLI

/// A synthetic second year for year-on-year rankings: Beijing's 12 stations
/// with hand-chosen constant concentrations in January–February 2018 and
/// 2019, written twice from the same table — as a long CSV that `haze ingest`
/// reads into a store, and as CNEMC wide files (china_sites_YYYYMMDD.csv)
/// that the independent reference reads. Built once per run, read-only.
///
/// Every hour of a station-year has the same value, so each daily mean, MDA8
/// and period statistic equals it (by hand), and the unit value of a
/// district is the mean of its stations' values.
enum TwoYearStore {
    /// Per station: (PM2.5, PM10, SO2, NO2, CO, O3) in 2018 and in 2019; nil = no data that year.
    typealias Six = (pm25: Int, pm10: Int, so2: Int, no2: Int, co: Double, o3: Int)
    static let values: [String: (y2018: Six?, y2019: Six)] = [
        // 西城区 and 东城区: the same values → tied in value, last year's rank and change.
        "1001A": ((80, 120, 8, 50, 1.2, 90), (64, 100, 8, 45, 1.0, 95)),   // 西城 PM2.5 80 → 64: −20.0 %
        "1006A": ((80, 120, 8, 50, 1.2, 90), (64, 100, 8, 45, 1.0, 95)),
        "1003A": ((80, 120, 8, 50, 1.2, 90), (64, 100, 8, 45, 1.0, 95)),   // 东城 the same
        "1004A": ((80, 120, 8, 50, 1.2, 90), (64, 100, 8, 45, 1.0, 95)),
        // 朝阳区 80 → 60: −25.0 %, tied in change with 石景山区 40 → 30: −25.0 %.
        "1005A": ((80, 130, 9, 52, 1.4, 85), (60, 110, 9, 48, 1.2, 90)),
        "1011A": ((80, 130, 9, 52, 1.4, 85), (60, 110, 9, 48, 1.2, 90)),
        "1012A": ((40, 80, 6, 35, 0.9, 100), (30, 70, 6, 33, 0.8, 100)),
        // 海淀区 75 → 78: +4.0 % — deteriorated, PM2.5 above Grade II.
        "1007A": ((75, 110, 7, 45, 1.1, 95), (78, 115, 7, 46, 1.1, 96)),
        // 顺义区 60 → 70: +16.7 % — the most deteriorated of the units above Grade II.
        "1008A": ((60, 100, 7, 40, 1.0, 100), (70, 105, 7, 42, 1.0, 100)),
        // 怀柔区 20 → 30: +50.0 %, but all six meet Grade II (30 ≤ 35, 50 ≤ 70, 5 ≤ 60,
        // 20 ≤ 40, 0.5 ≤ 4, 60 ≤ 160): left out of the deteriorating list.
        "1009A": ((20, 45, 5, 18, 0.4, 55), (30, 50, 5, 20, 0.5, 60)),
        // 昌平区: no data in 2018 → no change, last year invalid.
        "1010A": (nil, (50, 90, 6, 30, 0.9, 80)),
        // 1002A 定陵 is a control point: never counted (its odd values would show if it were).
        "1002A": ((500, 600, 100, 100, 5.0, 300), (500, 600, 100, 100, 5.0, 300)),
    ]

    static let codes = values.keys.sorted()

    struct Built: Sendable {
        var store: String
        var cnemc: String
    }

    /// Dates of the files: 2018-01-01 … 2018-03-01 and 2019-01-01 … 2019-03-01
    /// (the 1st of March's label 0 closes the 28th of February).
    static func dates(_ year: Int) -> [(Int, Int)] {
        (1...31).map { (1, $0) } + (1...28).map { (2, $0) } + [(3, 1)]
    }

    static func cells(_ six: Six?, _ pollutant: Int) -> String {
        guard let six else { return "" }
        switch pollutant {
        case 0: return String(six.pm25)
        case 1: return String(six.pm10)
        case 2: return String(six.so2)
        case 3: return String(six.no2)
        case 4: return String(format: "%.1f", six.co)
        default: return String(six.o3)
        }
    }

    static let types = ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]

    static let built: Built = {
        let root = TestPaths.temporaryDirectory("haze-two-years")
        let cnemc = root + "/cnemc"
        try? FileManager.default.createDirectory(atPath: cnemc, withIntermediateDirectories: true)
        var long = "station,time,pollutant,value\n"
        for year in [2018, 2019] {
            for (month, day) in dates(year) {
                let date = String(format: "%04d%02d%02d", year, month, day)
                var wide = "date,hour,type," + codes.joined(separator: ",") + "\n"
                for hour in 0..<24 {
                    for (p, type) in types.enumerated() {
                        let row = codes.map { code -> String in
                            let v = values[code]
                            return cells(year == 2018 ? v?.y2018 : v?.y2019, p)
                        }
                        wide += "\(date),\(hour),\(type)," + row.joined(separator: ",") + "\n"
                        let time = String(format: "%04d-%02d-%02dT%02d:00+08:00", year, month, day, hour)
                        for (code, cell) in zip(codes, row) where !cell.isEmpty {
                            long += "\(code),\(time),\(type),\(cell)\n"
                        }
                    }
                }
                _ = FileManager.default.createFile(atPath: cnemc + "/china_sites_\(date).csv", contents: Data(wide.utf8))
            }
        }
        let csv = root + "/two-years.csv"
        _ = FileManager.default.createFile(atPath: csv, contents: Data(long.utf8))
        let store = root + "/store"
        let run = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, "--format", "long-csv",
                             "--advance-window", csv])
        precondition(run.status == 0, "two-year ingest failed: \(run.stderr)")
        return Built(store: store, cnemc: cnemc)
    }()
}
