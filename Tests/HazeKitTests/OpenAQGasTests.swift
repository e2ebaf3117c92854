import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeIngest
@testable import HazeCLI

/// OpenAQ v3 gas values: CO is kept in mg/m³ (stored in tenths, GB/T 8170
/// half to even on the exact decimal value), µg/m³ are divided by 1000, and
/// a volume ratio (ppm, ppb) is refused row by row with a message naming the
/// unit — the other rows of the page are kept. Every expected value is
/// worked by hand in the comments.
@Suite("OpenAQ gases: CO in mg/m³ as is, µg/m³ ÷ 1000, ppm/ppb refused by name", .onTestThreads)
struct OpenAQGasTests {
    static let registry = StationRegistry(stations: [Station(code: "OAQ-1", name: "s", city: "c")])

    /// One result of an OpenAQ v3 `/hours` page: parameter, units, value, hour (UTC, 2023-10-16).
    static func result(_ parameter: String, _ units: String, _ value: String, hour: Int) -> String {
        #"{"period":{"interval":"01:00:00","datetimeFrom":{"utc":"2023-10-16T\#(CivilDate.pad(hour, 2)):00:00Z"}},"value":\#(value),"parameter":{"name":"\#(parameter)","units":"\#(units)"}}"#
    }

    static func page(_ results: [String]) -> String {
        #"{"meta":{"limit":1000},"results":[\#(results.joined(separator: ","))]}"#
    }

    static func parse(_ page: String) -> ParsedBatch {
        let context = ParseContext(source: "p.json", zone: .beijing, latestHour: Hour.now, registry: registry, unknownStations: .quarantine)
        return OpenAQParser(station: "OAQ-1").parse(Array(page.utf8), context: context).batch
    }

    /// The stored readings as (pollutant, stored value), in page order.
    static func readings(_ batch: ParsedBatch) -> [(Pollutant, Int)] {
        batch.readings.map { (batch.keys[Int($0.key)].pollutant, Int($0.value)) }
    }

    @Test("CO in mg/m³ is stored as is, to one decimal: 1.2 → 1.2, 1.25 → 1.2, 0.35 → 0.4, 3 → 3.0")
    func coInMilligrams() {
        let batch = Self.parse(Self.page([
            Self.result("co", "mg/m³", "1.2", hour: 0),   // 1.2 mg/m³ = 12 tenths
            Self.result("co", "mg/m³", "1.25", hour: 1),  // 1.25: half, 2 is even → 1.2 (GB/T 8170) = 12
            Self.result("co", "mg/m3", "0.35", hour: 2),  // 0.35: half, 3 is odd → 0.4 = 4 (ASCII spelling accepted)
            Self.result("co", "mg/m³", "3", hour: 3),     // 3 mg/m³ = 30 tenths
        ]))
        #expect(batch.rejections.isEmpty, "\(batch.rejections.map(\.reason))")
        #expect(Self.readings(batch).map(\.0) == [.co, .co, .co, .co])
        #expect(Self.readings(batch).map(\.1) == [12, 12, 4, 30])
        #expect(batch.readings.map { Pollutant.co.format(Double($0.value)) } == ["1.2", "1.2", "0.4", "3.0"])
    }

    @Test("CO in µg/m³ is divided by 1000: 1234 → 1.2, 4850 → 4.8 (exact half to even, not 4.9 from 4850 × 0.001 × 10 = 48.50000000000001), 350 → 0.4, 0 → 0.0")
    func coInMicrograms() {
        let batch = Self.parse(Self.page([
            Self.result("co", "µg/m³", "1234", hour: 0),  // 1.234 mg/m³ → 1.2 = 12
            Self.result("co", "µg/m³", "4850", hour: 1),  // 4.85 mg/m³: half, 8 is even → 4.8 = 48
            Self.result("co", "ug/m3", "350", hour: 2),   // 0.35 mg/m³: half, 3 is odd → 0.4 = 4
            Self.result("co", "µg/m3", "0", hour: 3),     // 0
            Self.result("co", "µg/m³", "1150", hour: 4),  // 1.15 mg/m³: half, 1 is odd → 1.2 = 12
        ]))
        #expect(batch.rejections.isEmpty, "\(batch.rejections.map(\.reason))")
        #expect(Self.readings(batch).map(\.1) == [12, 48, 4, 0, 12])
        #expect(batch.readings.map { Pollutant.co.format(Double($0.value)) } == ["1.2", "4.8", "0.4", "0.0", "1.2"])
    }

    @Test("ppm and ppb are refused row by row with a message naming the unit; the page's other rows are kept", arguments: ["ppm", "ppb"])
    func volumeRatiosRefused(unit: String) {
        let batch = Self.parse(Self.page([
            Self.result("no2", "µg/m³", "41", hour: 0),   // kept: 41 µg/m³
            Self.result("co", unit, "0.9", hour: 1),      // refused
            Self.result("so2", "µg/m³", "7.5", hour: 2),  // kept: 7.5 → half, 7 is odd → 8
            Self.result("no2", unit, "21", hour: 3),      // refused
            Self.result("o3", unit, "30", hour: 4),       // refused
            Self.result("co", "mg/m³", "0.9", hour: 5),   // kept: 9 tenths
        ]))
        #expect(Self.readings(batch).map(\.0) == [.no2, .so2, .co])
        #expect(Self.readings(batch).map(\.1) == [41, 8, 9])
        #expect(batch.readings.map(\.line) == [1, 3, 6])
        #expect(batch.rejections.map(\.line) == [2, 4, 5])
        #expect(batch.rejections.map(\.pollutant) == ["CO", "NO2", "O3"])
        #expect(batch.rejections.allSatisfy { $0.field == "parameter.units" && $0.value == unit })
        #expect(batch.rejections.allSatisfy { $0.reason.contains("'\(unit)'") }, "\(batch.rejections.map(\.reason))")
    }

    @Test("haze ingest of an OpenAQ page with a ppm row: the ppm row goes to the quarantine naming the unit, CO in mg/m³ and in µg/m³ and NO2 are stored and queried back in mg/m³ and µg/m³, and the run says a row was quarantined")
    func ingestQuarantinesPPM() throws {
        let root = TestPaths.temporaryDirectory("haze-openaq-gases")
        let stations = root + "/stations"
        try FileManager.default.createDirectory(atPath: stations, withIntermediateDirectories: true)
        try "code,name,city,district,longitude,latitude,control\nOAQ-1,s,c,,,,0\n"
            .write(toFile: stations + "/openaq.csv", atomically: true, encoding: .utf8)
        // UTC hours 00, 01, 02, 03 of 2023-10-16 are 08:00–11:00 in Beijing.
        let page = Self.page([
            Self.result("co", "mg/m³", "1.25", hour: 0),  // 1.2 mg/m³
            Self.result("co", "µg/m³", "4850", hour: 1),  // 4.8 mg/m³
            Self.result("co", "ppm", "1.1", hour: 2),     // refused
            Self.result("no2", "µg/m³", "41", hour: 0),   // 41 µg/m³
        ])
        try page.write(toFile: root + "/page.json", atomically: true, encoding: .utf8)
        let store = root + "/store"
        let run = InProcess(["ingest", "--store", store, "--stations", stations, "--station", "OAQ-1", root + "/page.json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("stored 3") && run.stdout.contains("quarantined 1"), "\(run.stdout)")
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: store + "/quarantine")
            .compactMap { try? String(contentsOfFile: store + "/quarantine/" + $0, encoding: .utf8) }.joined()
        #expect(quarantine.contains("ppm") && quarantine.contains("parameter.units"), "\(quarantine)")
        let query = InProcess(["query", "--store", store, "--stations", stations, "--station", "OAQ-1", "--pollutant", "co,no2",
                               "--resolution", "hour", "--from", "2023-10-16", "--to", "2023-10-16", "--format", "csv"])
        #expect(query.status == 0, "\(query.stderr)")
        let lines = query.stdout.split(separator: "\n").map(String.init)
        // Each value is labelled by the hour its period ends: 00:00–01:00Z is 09:00 Beijing time.
        #expect(lines.contains { $0.hasPrefix("2023-10-16T09:00+08:00,OAQ-1,CO,1.2,") && $0.contains("mg/m³") }, "\(query.stdout)")
        #expect(lines.contains { $0.hasPrefix("2023-10-16T10:00+08:00,OAQ-1,CO,4.8,") }, "\(query.stdout)")
        #expect(lines.contains { $0.hasPrefix("2023-10-16T11:00+08:00,OAQ-1,CO,,") }, "the ppm hour holds no value: \(query.stdout)")
        #expect(lines.contains { $0.hasPrefix("2023-10-16T09:00+08:00,OAQ-1,NO2,41,") && $0.contains("µg/m³") }, "\(query.stdout)")
    }
}
