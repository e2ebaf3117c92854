import Foundation
import HazeModel
import HazeStore

/// A synthetic province for `haze-bench province` (issue 18, target 4):
/// cities, districts and towns, standard stations (a few per town) and
/// micro-sensors (many per town), each reporting six pollutants every hour.
///
/// Everything is a pure function of the shape and a fixed seed — the same
/// station list, memberships and value of every station, pollutant and hour
/// on every run and machine — so the benchmark needs no stored data and a
/// test can compute what a ranking must say from `value(station:pollutant:hour:)`
/// without asking haze.
///
/// - Station `s` of `0 ..< standardCount` is standard station `P00001`…, in
///   town `s / stationsPerTown`; station `standardCount + k` is micro-sensor
///   `W00001`…, in town `k / sensorsPerTown`. Towns are spread evenly over the
///   cities, and over each city's districts.
/// - PM2.5 follows a city's level (35…104 µg/m³), a daily episode factor per
///   city (0.55…1.45), a diurnal cycle, the town (0.85…1.15) and the hour's
///   noise (0.9…1.1); micro-sensors read 25 % high, with more noise. PM10 is
///   1.35…1.65 × PM2.5; SO2 4…30, NO2 12…80, CO 0.3…1.9 mg/m³, O3 15…200
///   (afternoon peak).
/// - About 2 % of cells are missing (`nil`), and one station-day in 40 has an
///   outage of hours 6…13 (8 hours: that day is short of the 20 hours a daily
///   mean needs).
struct ProvinceNetwork: Sendable {
    var cities: Int
    var districtsPerCity: Int
    var towns: Int
    var stationsPerTown: Int
    var sensorsPerTown: Int
    var seed: UInt64

    /// The benchmark's province: 18 cities, 1 000 towns, 5 000 standard
    /// stations and 20 000 micro-sensors (25 000 × 6 = 150 000 series).
    static let province = ProvinceNetwork(cities: 18, districtsPerCity: 6, towns: 1000, stationsPerTown: 5,
                                          sensorsPerTown: 20, seed: 0x4841_5A45_0018_0004)

    var standardCount: Int { towns * stationsPerTown }
    var sensorCount: Int { towns * sensorsPerTown }
    var stationCount: Int { standardCount + sensorCount }
    var seriesCount: Int { stationCount * Pollutant.allCases.count }

    // MARK: Shape

    func isSensor(_ station: Int) -> Bool { station >= standardCount }

    func town(of station: Int) -> Int {
        isSensor(station) ? (station - standardCount) / sensorsPerTown : station / stationsPerTown
    }

    func city(ofTown town: Int) -> Int { town * cities / towns }

    /// The towns of a city: a contiguous run.
    func towns(ofCity city: Int) -> Range<Int> {
        let first = (city * towns + cities - 1) / cities
        let end = ((city + 1) * towns + cities - 1) / cities
        return first ..< end
    }

    func district(ofTown town: Int) -> Int {
        let range = towns(ofCity: city(ofTown: town))
        return (town - range.lowerBound) * districtsPerCity / max(1, range.count)
    }

    /// The standard stations of a town (the members its ranking must count).
    func standardStations(ofTown town: Int) -> Range<Int> {
        town * stationsPerTown ..< (town + 1) * stationsPerTown
    }

    /// The micro-sensors of a town (stored, never counted).
    func sensors(ofTown town: Int) -> Range<Int> {
        standardCount + town * sensorsPerTown ..< standardCount + (town + 1) * sensorsPerTown
    }

    func code(_ station: Int) -> String {
        isSensor(station) ? "W" + Self.digits(station - standardCount + 1, 5) : "P" + Self.digits(station + 1, 5)
    }

    func cityName(_ city: Int) -> String { "测试市" + Self.digits(city + 1, 2) }

    func districtName(ofTown town: Int) -> String {
        cityName(city(ofTown: town)) + "第" + String(district(ofTown: town) + 1) + "区"
    }

    func townName(_ town: Int) -> String { "测试镇" + Self.digits(town + 1, 4) }

    func stationName(_ station: Int) -> String {
        let town = town(of: station)
        if isSensor(station) {
            return townName(town) + "微站" + Self.digits(station - sensors(ofTown: town).lowerBound + 1, 2)
        }
        return townName(town) + "站" + String(station - standardStations(ofTown: town).lowerBound + 1)
    }

    /// Longitude and latitude inside Henan's bounding box (110.4–116.6 °E, 31.4–36.4 °N).
    func coordinates(_ station: Int) -> (longitude: Double, latitude: Double) {
        (110.4 + 6.2 * unit(1, UInt64(station)), 31.4 + 5.0 * unit(2, UInt64(station)))
    }

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    // MARK: Values

    /// The value of a station's pollutant at an hour, in the stored unit
    /// (µg/m³; CO in tenths of mg/m³); nil when the cell is missing.
    func value(station: Int, pollutant: Pollutant, hour: Hour) -> Int? {
        let local = hour.index + 8                       // Beijing time
        let day = UInt64(bitPattern: Int64(local >= 0 ? local / 24 : (local - 23) / 24))
        let hourOfDay = ((local % 24) + 24) % 24
        let s = UInt64(station), p = UInt64(pollutant.rawValue), h = UInt64(bitPattern: Int64(hour.index))
        if (6 ... 13).contains(hourOfDay), mix(3, s, day) % 40 == 0 { return nil }   // an outage: the day is invalid
        if mix(4, s &* 8 &+ p, h) % 50 == 0 { return nil }                          // a missing cell
        let town = town(of: station)
        let city = UInt64(city(ofTown: town))
        let level = 35 + Double(mix(5, city, 0) % 70)
        let episode = 0.55 + 0.9 * unit(6, city, day)
        let townFactor = 0.85 + 0.3 * unit(7, UInt64(town))
        let sensor = isSensor(station)
        let noise = sensor ? 0.8 + 0.4 * unit(8, s, h) : 0.9 + 0.2 * unit(8, s, h)
        let bias = sensor ? 1.25 : 1.0
        let cycle = Self.diurnal[hourOfDay]
        let pm25 = level * episode * townFactor * cycle * noise * bias
        let result: Double
        switch pollutant {
        case .pm25: result = pm25
        case .pm10: result = pm25 * (1.35 + 0.3 * unit(9, s, h))
        case .so2: result = (4 + 26 * unit(10, city, day)) * noise
        case .no2: result = (12 + 50 * unit(11, city, day)) * cycle * noise
        case .co: result = (3 + 16 * unit(12, city, day)) * noise            // tenths of mg/m³
        case .o3: result = (15 + 150 * unit(13, city, day)) * Self.ozoneCycle[hourOfDay] * noise
        }
        return max(1, min(Int(result.rounded()), 9000))
    }

    /// PM's diurnal cycle by Beijing hour (night and morning high, afternoon low).
    static let diurnal: [Double] = (0 ..< 24).map { 1 + 0.15 * cos(2 * Double.pi * Double($0 - 2) / 24) }
    /// Ozone's (afternoon peak, night low).
    static let ozoneCycle: [Double] = (0 ..< 24).map { 0.75 + 0.35 * cos(2 * Double.pi * Double($0 - 15) / 24) }

    /// A well-mixed 64-bit hash of a stream number and two values (SplitMix64's finaliser).
    func mix(_ stream: UInt64, _ a: UInt64, _ b: UInt64 = 0) -> UInt64 {
        var z = seed &+ stream &* 0x9E37_79B9_7F4A_7C15 &+ a &* 0xBF58_476D_1CE4_E5B9 &+ b &* 0x94D0_49BB_1331_11EB
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1).
    func unit(_ stream: UInt64, _ a: UInt64, _ b: UInt64 = 0) -> Double {
        Double(mix(stream, a, b) >> 11) / Double(1 << 53)
    }

    // MARK: Files

    /// Writes the registry (`stations/` format): the standard stations and the
    /// micro-sensors as two station tables (the sensors with `sensor=1`), and
    /// every station's town as memberships of layer `town`.
    func writeRegistry(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func table(_ stations: Range<Int>, sensor: Bool) -> String {
            var text = "# synthetic province of haze-bench province (issue 18): not real stations\n"
            text += "code,name,city,district,longitude,latitude,control,sensor\n"
            for s in stations {
                let town = town(of: s)
                let (longitude, latitude) = coordinates(s)
                text += "\(code(s)),\(stationName(s)),\(cityName(city(ofTown: town))),\(districtName(ofTown: town)),"
                text += String(format: "%.4f,%.4f,0,", longitude, latitude) + (sensor ? "1\n" : "0\n")
            }
            return text
        }
        try Data(table(0 ..< standardCount, sensor: false).utf8).write(to: URL(fileURLWithPath: directory + "/province-stations.csv"))
        try Data(table(standardCount ..< stationCount, sensor: true).utf8).write(to: URL(fileURLWithPath: directory + "/province-sensors.csv"))
        var memberships = "# each station's town (乡镇/街道) of the synthetic province\ncode,layer,unit,from,to\n"
        for s in 0 ..< stationCount { memberships += "\(code(s)),town,\(townName(town(of: s))),,\n" }
        try Data(memberships.utf8).write(to: URL(fileURLWithPath: directory + "/province-towns.csv"))
    }

    /// Every series key, station-major in `Pollutant.allCases` order (the
    /// order `fill` resolves them in: series `s * 6 + p`).
    var seriesKeys: [SeriesKey] {
        (0 ..< stationCount).flatMap { s in
            let code = code(s)
            return Pollutant.allCases.map { SeriesKey(station: code, pollutant: $0) }
        }
    }

    /// Writes `hours` into a store, a day's worth at a time; returns the number of values stored.
    func fill(_ store: Store, hours: Range<Hour>, progress: ((Hour) -> Void)? = nil) throws -> Int {
        let series = try store.resolve(seriesKeys)
        let pollutants = Pollutant.allCases
        var readings: [StoredReading] = []
        readings.reserveCapacity(series.count * 24)
        var stored = 0
        var start = hours.lowerBound
        while start < hours.upperBound {
            let end = min(start.advanced(by: 24), hours.upperBound)
            readings.removeAll(keepingCapacity: true)
            for hour in start ..< end {
                for s in 0 ..< stationCount {
                    for (p, pollutant) in pollutants.enumerated() {
                        if let value = value(station: s, pollutant: pollutant, hour: hour) {
                            readings.append(StoredReading(series: series[s * pollutants.count + p], hour: hour, value: value))
                        }
                    }
                }
            }
            let report = try store.write(readings)
            guard report.stored + report.unchanged == readings.count else {
                throw Options.Refusal(description: "filling the store: \(report.total - report.stored - report.unchanged) of \(readings.count) readings of \(start) refused")
            }
            stored += readings.count
            progress?(end)
            start = end
        }
        return stored
    }

    /// The formats a snapshot of one hour can be written in.
    enum SnapshotFormat: String, CaseIterable {
        /// The CNEMC platform's hourly snapshot: one row per station, six pollutant columns.
        case cnemcHourly = "cnemc-hourly"
        /// `station,time,pollutant,value`, a row per value.
        case longCSV = "long-csv"
        /// CNEMC's wide day file cut to one hour: `date,hour,type,<every code>`, a row per pollutant.
        case cnemcWide = "cnemc-wide"
    }

    /// One hour of every station in `format`, as the bytes of a file.
    func snapshot(at hour: Hour, format: SnapshotFormat) -> [UInt8] {
        let zone = LocalZone.beijing
        let day = zone.day(of: hour).date
        let hourOfDay = zone.hourOfDay(hour)
        let date = "\(Self.digits(day.year, 4))-\(Self.digits(day.month, 2))-\(Self.digits(day.day, 2))"
        func text(_ value: Int?, _ pollutant: Pollutant) -> String {
            guard let value else { return format == .cnemcWide ? "" : "NA" }
            return pollutant == .co ? "\(value / 10).\(value % 10)" : String(value)
        }
        var out = ""
        out.reserveCapacity(stationCount * 96)
        switch format {
        case .cnemcHourly:
            out += "timepoint,stationcode,longitude,latitude,area,positionname,primarypollutant,aqi,pm10,pm10_24h,pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h\n"
            let timepoint = date + "T" + Self.digits(hourOfDay, 2) + "00"
            for s in 0 ..< stationCount {
                let v = Pollutant.allCases.map { value(station: s, pollutant: $0, hour: hour) }
                let (longitude, latitude) = coordinates(s)
                // The derived columns (AQI, 24-hour means, O3 8-hour) as the platform fills
                // them; haze reads past them (counted), so any plausible number does.
                let pm25 = text(v[0], .pm25), pm10 = text(v[1], .pm10)
                out += "\(timepoint),\(code(s)),\(String(format: "%.4f,%.4f", longitude, latitude)),\(cityName(city(ofTown: town(of: s))))市,"
                out += "\(stationName(s)),细颗粒物(PM2.5),\(v[0].map { String($0 * 4 / 3) } ?? "NA"),"
                out += "\(pm10),\(pm10),\(pm25),\(pm25),\(text(v[5], .o3)),\(text(v[5], .o3)),NA,NA,"
                out += "\(text(v[3], .no2)),\(text(v[3], .no2)),\(text(v[2], .so2)),\(text(v[2], .so2)),\(text(v[4], .co)),\(text(v[4], .co))\n"
            }
        case .longCSV:
            out += "station,time,pollutant,value\n"
            let time = date + "T" + Self.digits(hourOfDay, 2) + ":00:00+08:00"
            for s in 0 ..< stationCount {
                let code = code(s)
                for pollutant in Pollutant.allCases {
                    guard let v = value(station: s, pollutant: pollutant, hour: hour) else { continue }
                    out += "\(code),\(time),\(pollutant.displayName),\(text(v, pollutant))\n"
                }
            }
        case .cnemcWide:
            out += "date,hour,type"
            for s in 0 ..< stationCount { out += "," + code(s) }
            out += "\n"
            let prefix = "\(Self.digits(day.year, 4))\(Self.digits(day.month, 2))\(Self.digits(day.day, 2)),\(hourOfDay),"
            for pollutant in Pollutant.allCases {
                out += prefix + pollutant.displayName
                for s in 0 ..< stationCount { out += "," + text(value(station: s, pollutant: pollutant, hour: hour), pollutant) }
                out += "\n"
            }
        }
        return Array(out.utf8)
    }
}
