import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI
@testable import haze_bench

/// Micro-sensors (微型站, registry column `sensor`): stored and queried as
/// stations, never counted in a unit, city or province value, never ranked.
@Suite("Micro-sensors in the registry", .onTestThreads)
struct MicroSensorTests {
    static let files = [
        "甲市.csv": """
        code,name,city,district,longitude,latitude,control,sensor
        A01,一号站,甲市,东区,113.1,34.1,0,0
        A02,二号站,甲市,东区,113.2,34.2,0,
        A03,对照,甲市,东区,113.3,34.3,1,0
        W01,东区微站1,甲市,东区,113.4,34.4,0,1
        W02,东区微站2,甲市,西区,113.5,34.5,0,Y
        B01,西区站,甲市,西区,113.6,34.6,0,0
        """,
        "甲市-towns.csv": """
        code,layer,unit,from,to
        A01,town,甲镇,,
        A02,town,甲镇,,
        W01,town,甲镇,,
        W02,town,乙镇,,
        B01,town,乙镇,,
        """,
    ]

    static func registry() throws -> (StationRegistry, String) {
        let dir = TestPaths.temporaryDirectory("haze-sensor-registry")
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return (try StationRegistry.load(directory: dir), dir)
    }

    @Test("a table's sensor column marks micro-sensors: never a member of a town, district or city, counted in the notes")
    func sensorsAreNeverMembers() throws {
        let (registry, dir) = try Self.registry()
        #expect(registry.stations.filter(\.isSensor).map(\.code) == ["W01", "W02"])
        #expect(registry["A02"]?.isSensor == false && registry["A03"]?.isControl == true)
        let day = Day(CivilDate(year: 2026, month: 1, day: 15)!)
        let days = day ..< day.advanced(by: 1)
        for (level, expected) in [(RankingLevel.town, ["甲镇": ["A01", "A02"], "乙镇": ["B01"]]),
                                  (.district, ["东区": ["A01", "A02"], "西区": ["B01"]]),
                                  (.city, ["甲市": ["A01", "A02", "B01"]]),
                                  (.station, ["A01": ["A01"], "A02": ["A02"], "B01": ["B01"]])] {
            let formed = try registry.rankingUnits(level: level, city: "甲市", days: days)
            let members = Dictionary(uniqueKeysWithValues: formed.units.map { ($0.name, $0.members(on: day).map(\.code)) })
            #expect(members == expected, "\(level)")
            #expect(formed.coverage.sensors == 2, "\(level)")
            #expect(formed.coverage.stationsWithoutUnit.isEmpty, "\(level): a sensor is not 'a station without a unit'")
            #expect(formed.coverage.lines(chinese: true).contains("微型站 2 个（数据已存储），不参与排名，不计入任何单元"))
            #expect(formed.coverage.lines(chinese: false).contains("2 micro-sensors (values stored): not ranked, counted in no unit"))
        }
        // Queries and alerts: a unit's members are its assessment stations; a sensor stands for itself.
        #expect(try registry.members(of: .city("甲市")).map(\.code) == ["A01", "A02", "B01"])
        #expect(try registry.members(of: .unit("甲镇", layer: "town", city: "甲市")).map(\.code) == ["A01", "A02"])
        #expect(try registry.members(of: .station("W01")).map(\.code) == ["W01"])
        let cityAlerts = AlertSubject.all(.city, registry: registry, cities: [])
        #expect(cityAlerts.map { $0.stations.map(\.code) } == [["A01", "A02", "B01"]])
        #expect(AlertSubject.all(.station, registry: registry, cities: []).map(\.key).contains("W01"))
        // The listing shows the flag.
        let csv = InProcess(["stations", "--stations", dir, "--city", "甲市", "--format", "csv"])
        #expect(csv.stdout.contains("W02,东区微站2,甲市,西区,113.5,34.5,0,1\n") && csv.stdout.contains("A01,一号站,甲市,东区,113.1,34.1,0,0\n"),
                "\(csv.stdout)")
    }

    @Test("a sensor cell that is not 1/0 or Y/N is refused with file, line and field")
    func badSensorCell() throws {
        let dir = TestPaths.temporaryDirectory("haze-sensor-bad")
        try "code,name,city,district,longitude,latitude,control,sensor\nW01,微站,甲市,,,,0,maybe\n"
            .write(toFile: dir + "/s.csv", atomically: true, encoding: .utf8)
        #expect(throws: RegistryError.badRow(file: dir + "/s.csv", line: 2, field: "sensor", reason: "'maybe' is not 1/0 or Y/N")) {
            _ = try StationRegistry.load(directory: dir)
        }
    }

    @Test("a station encoded before micro-sensors existed decodes as a standard station")
    func decodesWithoutSensorKey() throws {
        let json = #"{"code":"A01","name":"一号站","city":"甲市","district":"","isControl":false}"#
        let station = try JSONDecoder().decode(Station.self, from: Data(json.utf8))
        #expect(!station.isSensor && station.countsInUnits)
        let again = try JSONDecoder().decode(Station.self, from: JSONEncoder().encode(Station(code: "W", name: "", city: "c", isSensor: true)))
        #expect(again.isSensor && !again.countsInUnits)
    }
}

/// `haze-bench province`'s synthetic province, small: its registry loads, its
/// snapshots ingest in the three formats with every value (sensors included)
/// stored, and the town ranking of a month equals the town means computed here
/// from the generated values — standard stations only — with the GB 3095
/// rules written out independently (a day of hours 1–24 valid with ≥ 20 hours,
/// a town's day the mean of its stations' valid daily means, a month valid
/// with ≥ 27 valid days), not from haze's output.
@Suite("Province scale (haze-bench province), small", .onTestThreads, .serialized)
struct ProvinceScaleTests {
    static let network = ProvinceNetwork(cities: 3, districtsPerCity: 2, towns: 50, stationsPerTown: 5, sensorsPerTown: 4,
                                         seed: ProvinceNetwork.province.seed)
    static let month = Month(year: 2026, month: 1)!

    /// The Beijing hour labels 1 … 24 of a day (hour label 0 of the next date is the 24th), as hour indices.
    static func hours(of day: Day) -> [Hour] { (1 ... 24).map { Hour(day.index * 24 - 8 + $0) } }

    /// A station's daily mean, when it has ≥ 20 hours.
    static func dailyMean(_ station: Int, _ pollutant: Pollutant, _ day: Day) -> Double? {
        let values = hours(of: day).compactMap { network.value(station: station, pollutant: pollutant, hour: $0) }
        return values.count >= 20 ? Double(values.reduce(0, +)) / Double(values.count) : nil
    }

    /// A town's monthly mean over `stations`, and its valid days.
    static func monthlyMean(_ stations: [Int], _ pollutant: Pollutant) -> (mean: Double?, validDays: Int) {
        var dayMeans: [Double] = []
        for day in month.days {
            let means = stations.compactMap { dailyMean($0, pollutant, day) }
            if !means.isEmpty { dayMeans.append(means.reduce(0, +) / Double(means.count)) }
        }
        return (dayMeans.isEmpty ? nil : dayMeans.reduce(0, +) / Double(dayMeans.count), dayMeans.count)
    }

    static func store(_ label: String) throws -> (Store, StationRegistry) {
        let dir = TestPaths.temporaryDirectory(label)
        try network.writeRegistry(to: dir + "/stations")
        let registry = try StationRegistry.load(directory: dir + "/stations")
        let store = try Store(directory: dir + "/store", access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: ProvinceBench.hourlyCapacity, dailyCapacity: 40))
        return (store, registry)
    }

    @Test("the registry: 250 standard stations in 50 towns of 3 cities, 200 micro-sensors flagged, each in its town")
    func registry() throws {
        let (_, registry) = try Self.store("haze-province-registry")
        #expect(registry.warnings.isEmpty, "\(registry.warnings)")
        #expect(registry.stations.count == 450)
        #expect(registry.stations.filter(\.isSensor).count == 200)
        #expect(registry.cities == ["测试市01", "测试市02", "测试市03"])
        #expect(registry.units(layer: "town").count == 50)
        let town = Self.network.town(of: 7)
        #expect(registry.unit(of: "P00008", layer: "town", on: Self.month.firstDay) == Self.network.townName(town))
        let sensor = Self.network.sensors(ofTown: town).lowerBound
        #expect(registry[Self.network.code(sensor)]?.isSensor == true)
        #expect(registry.unit(of: Self.network.code(sensor), layer: "town", on: Self.month.firstDay) == Self.network.townName(town))
    }

    @Test("the town ranking of a month leaves the micro-sensors out and equals the means computed from the generated values")
    func townRanking() throws {
        let (store, registry) = try Self.store("haze-province-rank")
        let calendar = store.calendar
        let hours = calendar.firstHour(of: Self.month.firstDay) ..< calendar.firstHour(of: Self.month.days.upperBound)
        #expect(hours.count == 744 && hours.lowerBound == Self.hours(of: Self.month.firstDay)[0])
        let stored = try Self.network.fill(store, hours: hours)
        #expect(stored == (0 ..< Self.network.stationCount).reduce(0) { n, s in
            n + hours.reduce(0) { m, h in m + Pollutant.allCases.filter { Self.network.value(station: s, pollutant: $0, hour: h) != nil }.count }
        })
        let ranking = try MonthlyRanking(store: store, registry: registry, month: Self.month, scope: RankingScope(level: .town))
        #expect(ranking.coverage.sensors == 200)
        var differsWithSensors = 0
        for pollutant in Pollutant.particulates {
            let entries = try #require(ranking.ranking(for: pollutant)).entries
            #expect(entries.count == 50)
            for entry in entries {
                let town = try #require((0 ..< Self.network.towns).first { Self.network.townName($0) == entry.unit.name })
                let standard = Array(Self.network.standardStations(ofTown: town))
                #expect(entry.unit.stations.map(\.code) == standard.map(Self.network.code), "\(entry.unit.name)")
                #expect(entry.unit.city == Self.network.cityName(Self.network.city(ofTown: town)))
                let expected = Self.monthlyMean(standard, pollutant)
                let mean = try #require(entry.current.mean)
                let want = try #require(expected.mean)
                #expect(abs(mean - want) < 1e-9, "\(entry.unit.name) \(pollutant.displayName): \(mean) vs \(want)")
                #expect(entry.current.validDays == expected.validDays)
                #expect(entry.current.isValid == (expected.validDays >= 27))
                if abs(want - want.rounded(.down) - 0.5) > 1e-6 {
                    #expect(entry.current.rounded == Int(want.rounded(.toNearestOrEven)), "\(entry.unit.name)")
                }
                let withSensors = Self.monthlyMean(standard + Array(Self.network.sensors(ofTown: town)), pollutant)
                if let other = withSensors.mean, abs(other - want) > 0.5 { differsWithSensors += 1 }
            }
            // Ranks ascend with the rounded means; equal values share a rank.
            for (a, b) in zip(entries, entries.dropFirst()) where a.current.isValid && b.current.isValid {
                #expect((a.current.rounded ?? 0) <= (b.current.rounded ?? 0))
                #expect(a.rank == b.rank ? a.current.rounded == b.current.rounded : a.rank < b.rank)
            }
        }
        // The sensors read 25 % high: had they been counted, most towns' means would differ.
        #expect(differsWithSensors > 90, "\(differsWithSensors) of 100 town-pollutant means would change with the sensors")
    }

    @Test("one hourly snapshot in each format ingests every value of every station, the sensors' included",
          arguments: ProvinceNetwork.SnapshotFormat.allCases)
    func snapshot(format: ProvinceNetwork.SnapshotFormat) throws {
        let (store, registry) = try Self.store("haze-province-snapshot")
        let hour = Hour(Day(CivilDate(year: 2026, month: 2, day: 1)!).index * 24 - 8 + 5)   // Beijing 05:00
        let dir = TestPaths.temporaryDirectory("haze-province-snapshot-file")
        let path = dir + "/\(format.rawValue).csv"
        try Data(Self.network.snapshot(at: hour, format: format)).write(to: URL(fileURLWithPath: path))
        var options = IngestOptions()
        options.format = IngestFormat(rawValue: format.rawValue)
        let report = try IngestRun(store: store, registry: registry, options: options).run([path])
        let expected = (0 ..< Self.network.stationCount).flatMap { s in
            Pollutant.allCases.compactMap { p in Self.network.value(station: s, pollutant: p, hour: hour).map { (s, p, $0) } }
        }
        #expect(report.summary.stored == expected.count && report.summary.quarantined == 0 && report.summary.flagged == 0,
                "\(report.summary.line)")
        for (s, p, value) in expected {
            let series = try #require(store.index(of: SeriesKey(station: Self.network.code(s), pollutant: p)))
            #expect(store.value(series, at: hour) == value)
        }
        // Missing cells are missing, not zero.
        let missing = (0 ..< Self.network.stationCount).first { Self.network.value(station: $0, pollutant: .pm25, hour: hour) == nil }
        if let missing, let series = store.index(of: SeriesKey(station: Self.network.code(missing), pollutant: .pm25)) {
            #expect(store.value(series, at: hour) == nil)
        }
    }
}
