import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeNet
@testable import HazeSources
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI

/// Acceptance over the real CNEMC files of January–February 2019, checked
/// against `Tests/Scripts/reference.py`, an independent stdlib-only Python
/// computation over the same CSVs.
@Suite("Real data: CNEMC Jan–Feb 2019 against an independent computation", .onTestThreads, .serialized)
struct RealDataTests {
    static let stations = TestPaths.beijingStations

    /// reference.py output, computed once.
    static let referenceDaily = Once { () async -> [String: [String: [String: [String: Double]]]] in
        let json = try? await Processes.python("reference.py", ["daily", "--data", TestPaths.cnemc, "--stations", stations.joined(separator: ","),
                                                         "--day-hours", "1-24"])
        return json as? [String: [String: [String: [String: Double]]]] ?? [:]
    }

    static func referenceMonthly(_ month: String, mode: String, stations: [String]) async throws -> [String: Any] {
        let json = try await Processes.python("reference.py", [mode, "--data", TestPaths.cnemc, "--stations",
                                                         stations.joined(separator: ","), "--month", month, "--day-hours", "1-24"])
        return json as? [String: Any] ?? [:]
    }

    /// A registry directory holding only Beijing's stations.
    static let beijingRegistry: String = {
        let dir = TestPaths.temporaryDirectory("haze-bj-registry")
        try? FileManager.default.copyItem(atPath: TestPaths.stations + "/beijing.csv", toPath: dir + "/beijing.csv")
        return dir
    }()

    func csvRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("all 59 files ingest; the truncated and gappy days are reported")
    func ingestSummary() {
        let built = SharedStore.national
        #expect(built.ingestOutput.contains("ingest: 59 source(s)"))
        #expect(built.ingestOutput.contains("quarantined 0"))
        let pollutants = TestPaths.cnemcHasGases ? "PM2.5, PM10, SO2, NO2, CO, O3" : "PM2.5, PM10"
        #expect(built.ingestErrors.contains("2019-02-03 \(pollutants): no rows for hour(s) 22"), "\(built.ingestErrors)")
        #expect(built.ingestErrors.contains("2019-02-20 \(pollutants): no rows for hour(s) 7–23"))
        // Every row is stored or counted: the nine types CNEMC derives (AQI, *_24h, O3_8h, O3_8h_24h).
        #expect(built.ingestOutput.contains("stored \(TestPaths.cnemcValues),"), "\(built.ingestOutput)")
        if TestPaths.cnemcHasGases {
            #expect(built.ingestOutput.contains("not stored: 12583 row(s) of values CNEMC derives"), "\(built.ingestOutput)")
        }
    }

    @Test("Beijing's January 2019 PM2.5 is 52 µg/m³, the Ministry's published figure",
          arguments: [TestPaths.stations, RealDataTests.beijingRegistry])
    func beijingJanuary(registry: String) async throws {
        let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", registry,
                             "--city", "北京", "--pollutant", "pm2.5", "--resolution", "month",
                             "--from", "2019-01-01", "--to", "2019-01-31", "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(csvRows(run.stdout) == [["2019-01", "北京", "PM2.5", "52", "31", "µg/m³", "mean"]])
        let reference = try await Self.referenceMonthly("2019-01", mode: "unit", stations: TestPaths.beijingAssessmentStations)
        let pm25 = try #require(reference["PM2.5"] as? [String: Any])
        #expect(GBT8170.roundToInteger(try #require(pm25["mean"] as? Double)) == 52)
    }

    @Test("city monthly values equal the reference for both months and pollutants", arguments: ["2019-01", "2019-02"])
    func cityMonths(month: String) async throws {
        let reference = try await Self.referenceMonthly(month, mode: "unit", stations: TestPaths.beijingAssessmentStations)
        let first = month + "-01"
        let last = month == "2019-01" ? "2019-01-31" : "2019-02-28"
        let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--city", "北京", "--resolution", "month", "--from", first, "--to", last,
                             "--format", "csv", "--decimals", "6"])
        let rows = csvRows(run.stdout)
        #expect(rows.count == 2)
        for row in rows {
            let expected = try #require(reference[row[2]] as? [String: Any])
            #expect(Int(row[4]) == expected["valid_days"] as? Int)
            guard expected["valid"] as? Bool == true else {
                // February 2019 PM10 has 22 valid days, short of 25: shown empty, never 0.
                #expect(row[3].isEmpty, "\(row)")
                continue
            }
            let mean = try #require(expected["mean"] as? Double)
            #expect(abs(try #require(Double(row[3])) - mean) < 1e-6, "\(row)")
        }
    }

    @Test("per-station January means equal the reference, to the integer, for all 12 stations")
    func stationMonths() async throws {
        let reference = try await Self.referenceMonthly("2019-01", mode: "monthly", stations: Self.stations)
        var compared = 0
        var referenceValid = 0
        for code in Self.stations {
            let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                                 "--station", code, "--resolution", "month", "--from", "2019-01-01", "--to", "2019-01-31",
                                 "--format", "csv", "--decimals", "6"])
            for row in csvRows(run.stdout) {
                let expected = try #require((reference[code] as? [String: Any])?[row[2]] as? [String: Any])
                if expected["valid"] as? Bool == true { referenceValid += 1 }
                #expect(Int(row[4]) == expected["valid_days"] as? Int, "\(code) \(row[2]) valid days")
                guard let mean = expected["mean"] as? Double, expected["valid"] as? Bool == true else {
                    #expect(row[3].isEmpty, "\(code) \(row[2]) is invalid in the reference")
                    continue
                }
                let value = try #require(Double(row[3]), "\(code) \(row[2]): \(row)")
                #expect(abs(value - mean) < 1e-6, "\(code) \(row[2])")
                #expect(GBT8170.roundToInteger(value) == GBT8170.roundToInteger(mean))
                compared += 1
            }
        }
        #expect(compared == referenceValid && compared > 0)
    }

    @Test("every Beijing station-day (hour labels 1–24): the daily mean equals the mean of that day's hours; < 20 hours is invalid")
    func dailyMeans() async throws {
        let store = try SharedStore.open()
        let reference = await Self.referenceDaily.value
        #expect(reference.count == 12)
        var complete = 0, invalid = 0
        let referenceDays = reference.values.flatMap(\.values).map(\.count).reduce(0, +)
        for code in Self.stations {
            for pollutant in Pollutant.particulates {
                let id = try #require(store.index(of: SeriesKey(station: code, pollutant: pollutant)))
                let days = reference[code]?[pollutant.displayName] ?? [:]
                // Hour labels 1–24: label 0 of 2019-01-01 makes a day of 2018-12-31.
                for offset in -1..<59 {
                    let day = Day(CivilDate(year: 2019, month: 1, day: 1)!).advanced(by: offset)
                    let stored = store.daily(id, on: day)
                    guard let expected = days[day.description] else {
                        #expect(stored.validHours == 0, "\(code) \(day): no hours in the files")
                        continue
                    }
                    let hours = Int(expected["hours"] ?? 0)
                    #expect(stored.validHours == hours, "\(code) \(pollutant) \(day)")
                    if hours >= 20 {
                        complete += 1
                        #expect(abs((stored.validMean ?? -1) - (expected["mean"] ?? 0)) < 1e-9, "\(code) \(pollutant) \(day)")
                    } else {
                        invalid += 1
                        #expect(stored.validMean == nil, "\(code) \(pollutant) \(day) has \(hours) hours")
                    }
                }
            }
        }
        #expect(complete + invalid == referenceDays && complete > 0 && invalid > 0,
                "\(complete) complete, \(invalid) invalid station-days")
    }

    @Test("re-ingesting the same files changes nothing: the ring files stay byte-identical")
    func reingestIsIdempotent() throws {
        let copy = TestPaths.temporaryDirectory("haze-reingest")
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            try FileManager.default.copyItem(atPath: SharedStore.national.directory + "/" + name, toPath: copy + "/" + name)
        }
        let run = InProcess(["ingest", "--quiet", "--store", copy, "--stations", TestPaths.stations, TestPaths.cnemc])
        #expect(run.stdout.contains("stored 0, unchanged \(TestPaths.cnemcValues), corrected 0"))
        #expect(try RingBytes(copy) == RingBytes(SharedStore.national.directory), "the rings changed on re-ingest")
    }

    @Test("kill -9 in the middle of an ingest, then re-running it, gives the store of a clean ingest")
    func killAndRerun() async throws {
        let clean = try RingBytes(SharedStore.national.directory)
        var killedMidway = 0
        for delay in [0.05, 0.4, 1.2] {
            // Created with the shared store's ring sizes, to compare with it;
            // the kill lands in the ingest (a kill while the store is being
            // created is the crash harness's, Tests/Reliability/crash.sh).
            let store = TestPaths.temporaryDirectory("haze-kill")
            #expect(SharedStore.initialise(store).status == 0)
            let arguments = ["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations, TestPaths.cnemc]
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.haze)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let exit = await OffPool.run {
                usleep(UInt32(delay * 1_000_000))
                kill(process.processIdentifier, SIGKILL)
                return Processes.waitForExit(process)
            }
            if exit.signalled { killedMidway += 1 }
            let rerun = try await Processes.haze(arguments)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try RingBytes(store) == clean, "the rings differ after a kill at \(delay)s")
            try? FileManager.default.removeItem(atPath: store)
        }
        #expect(killedMidway >= 2, "the kills landed during the ingest")
    }
}
