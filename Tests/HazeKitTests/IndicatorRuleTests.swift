import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeAssessment
@testable import HazeReport
@testable import HazeCLI

/// The rules of RULES.md on hand-made values and stores, every expected
/// figure worked out by hand in the comments.
@Suite("Indicators: rules on hand-made data", .onTestThreads)
struct IndicatorRuleTests {
    // MARK: Percentiles (HJ 663 Appendix A)

    @Test("percentiles by HJ 663 Appendix A: k = 1 + (n − 1)·p %, linear between neighbours — n = 1, 2, 27 and the DOMAIN example")
    func percentiles() {
        // n = 1: k = 1 for any p → X(1).
        #expect(Percentile.hj663([42], 95) == 42)
        #expect(Percentile.hj663([42], 90) == 42)
        #expect(Percentile.hj663([], 90) == nil)
        // n = 2, {10, 20}: p95 → k = 1.95 → 10 + 10·0.95 = 19.5; p90 → k = 1.9 → 19.
        #expect(Percentile.hj663([20, 10], 95) == 19.5)
        #expect(Percentile.hj663([20, 10], 90) == 19)
        #expect(Percentile.hj663([20, 10], 100) == 20)
        // n = 27, X(i) = 10·i shuffled: p95 → k = 1 + 26·0.95 = 25.7 → 250 + 0.7·10 = 257;
        // p90 → k = 1 + 26·0.9 = 24.4 → 240 + 0.4·10 = 244; p50 → k = 14 → 140 exactly.
        let values = (1 ... 27).map { Double(10 * $0) }.shuffled()
        #expect(abs((Percentile.hj663(values, 95) ?? 0) - 257) < 1e-9)
        #expect(abs((Percentile.hj663(values, 90) ?? 0) - 244) < 1e-9)
        #expect(Percentile.hj663(values, 50) == 140)
        // DOMAIN §2.3: {3,4,8,2,5,4}, p = 90 → k = 5.5 → 5 + (8 − 5)·0.5 = 6.5.
        #expect(Percentile.hj663([3, 4, 8, 2, 5, 4], 90) == 6.5)
    }

    // MARK: O3 daily maximum 8-hour mean (HJ 663 §6.1.2)

    /// A day's O3 by position: `present` indices hold `value`, index 10 holds `peak`.
    func o3Day(present: Range<Int>, value: Int = 160, peak: Int = 164) -> [Int?] {
        (0 ..< 24).map { i in present.contains(i) ? (i == 10 ? peak : value) : nil }
    }

    @Test("O3 MDA8: 14 valid 8-hour means make a valid day, 13 do not — unless the rounded maximum exceeds 160 (160.5 → 160 does not, 161.5 → 162 does)")
    func o3Windows() {
        let march = CivilDate(year: 2019, month: 3, day: 1)!
        // Hours 0…18 present (19…23 missing): windows ending at positions 8…21 have ≥ 6 hours (14);
        // the one ending at 22 covers indices 14…21, of which 14…18 are present: 5 — invalid.
        let fourteen = O3Day(positions: o3Day(present: 0 ..< 19, value: 50, peak: 50))
        #expect(fourteen.windows == 14 && fourteen.isMDA8Valid(on: march) && fourteen.roundedMDA8 == 50)
        // Hours 0…17 present: windows ending at 8…20 (13); 21 covers 13…20, five present — invalid.
        let thirteen = O3Day(positions: o3Day(present: 0 ..< 18, value: 50, peak: 50))
        #expect(thirteen.windows == 13 && !thirteen.isMDA8Valid(on: march) && thirteen.validMDA8(on: march) == nil)
        // 13 windows, the highest (indices 10…17, all present) = (164 + 7·160)/8 = 160.5 → 160 (half to even): not above 160.
        let half = O3Day(positions: o3Day(present: 0 ..< 18))
        #expect(half.windows == 13 && half.maximumWindowSum == 1284 && half.maximumWindowHours == 8)
        #expect(half.mda8 == 160.5 && half.roundedMDA8 == 160 && !half.isMDA8Valid(on: march))
        // (172 + 7·160)/8 = 161.5 → 162 > 160: valid although only 13 windows.
        let above = O3Day(positions: o3Day(present: 0 ..< 18, peak: 172))
        #expect(above.roundedMDA8 == 162 && above.isMDA8Valid(on: march) && above.isValidByExceedance(on: march))
        // The same 160.5 with 14 windows is valid by the count.
        let counted = O3Day(positions: o3Day(present: 0 ..< 19))
        #expect(counted.windows == 14 && counted.isMDA8Valid(on: march) && !counted.isValidByExceedance(on: march))
        // A window needs 6 hours: alternate hours present (4 in every 8) give none.
        let sparse = O3Day(positions: (0 ..< 24).map { $0 % 2 == 0 ? 100 : nil })
        #expect(sparse.windows == 0 && sparse.mda8 == nil && sparse.maximumHour == 100 && sparse.hours == 12)
        // The maximum 1-hour value needs 20 hours.
        #expect(O3Day(positions: o3Day(present: 0 ..< 20)).validMaximumHour == 164)
        #expect(O3Day(positions: o3Day(present: 0 ..< 19)).validMaximumHour == nil)
    }

    @Test("the daily ring keeps a day's O3 MDA8 (sum and hours of its window), window count and maximum hour after the hourly ring has wrapped; its bits are exact")
    func o3InTheDailyRing() throws {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-o3-ring"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 72, dailyCapacity: 30, dayConvention: .hours0to23))
        let o3 = try store.resolve([SeriesKey(station: "1001A", pollutant: .o3)])[0]
        let pm = try store.resolve([SeriesKey(station: "1001A", pollutant: .pm25)])[0]
        let first = Day(CivilDate(year: 2019, month: 7, day: 1)!)
        let positions = o3Day(present: 0 ..< 18, peak: 172)       // 13 windows, MDA8 161.5, max 172
        var readings: [StoredReading] = []
        for d in 0 ..< 8 {
            for (i, value) in positions.enumerated() {
                let hour = LocalZone.beijing.hour(day: first.advanced(by: d), hourOfDay: i)
                if let value { readings.append(StoredReading(series: o3, hour: hour, value: value)) }
                readings.append(StoredReading(series: pm, hour: hour, value: 40))
            }
        }
        _ = try store.write(readings, policy: .advanceAsNeeded)
        // Day 1's hours have left the 72-hour ring; its O3 statistics have not.
        #expect(store.value(o3, at: LocalZone.beijing.hour(day: first, hourOfDay: 5)) == nil)
        let kept = try #require(store.daily(o3, on: first).o3)
        #expect(kept == O3Day(positions: positions))
        #expect(kept.windows == 13 && kept.maximumWindowSum == 1292 && kept.maximumWindowHours == 8 && kept.maximumHour == 172)
        // The slot: count 18, sum 17·160 + 172 = 2892, windows 13, window sum 1292, hours 8 − 6 = 2, max 172.
        let raw = store.dailyRaw(o3, on: first)
        #expect(raw == 18 | 2892 << 5 | 13 << 23 | 1292 << 28 | 2 << 45 | 172 << 47)
        #expect(DailyRing.isValidRaw(raw, code: Pollutant.o3.rawValue))
        // The same bits on a PM series are damage; so is any field no day can produce.
        #expect(!DailyRing.isValidRaw(raw, code: Pollutant.pm25.rawValue))
        #expect(!DailyRing.isValidRaw(raw & ~(0x1F << 23) | 18 << 23, code: 6), "18 windows")
        #expect(!DailyRing.isValidRaw(raw | 3 << 45, code: 6), "a 9-hour window")
        #expect(!DailyRing.isValidRaw(raw & ~(0x3FFF << 47) | 100 << 47, code: 6), "a maximum hour below the window's mean")
        #expect(!DailyRing.isValidRaw(raw | 1 << 62, code: 6), "a reserved bit")
        #expect(!DailyRing.isValidRaw(18 | 2892 << 5, code: 6), "O3 hours with no statistics")
        #expect(DailyRing.isValidRaw(store.dailyRaw(pm, on: first), code: Pollutant.pm25.rawValue))
        #expect(StoreCheck(store: store).isHealthy)
    }

    @Test("haze check finds O3 statistics that differ from the hours (the checksum intact), and --repair recomputes them")
    func o3StatisticsChecked() throws {
        let directory = TestPaths.temporaryDirectory("haze-o3-check")
        let store = try Store(directory: directory, access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 240, dailyCapacity: 30, dayConvention: .hours0to23))
        let o3 = try store.resolve([SeriesKey(station: "1001A", pollutant: .o3)])[0]
        let day = Day(CivilDate(year: 2019, month: 7, day: 1)!)
        let readings = (0 ..< 24).map { StoredReading(series: o3, hour: LocalZone.beijing.hour(day: day, hourOfDay: $0), value: 50 + $0) }
        _ = try store.write(readings)
        let right = store.dailyRaw(o3, on: day)
        // A plausible slot with a smaller window sum, written with a matching checksum: only the hours tell.
        let wrong = right & ~(0x1_FFFF << 28) | UInt64(8 * 60) << 28
        #expect(DailyRing.isValidRaw(wrong, code: 6) && wrong != right)
        try store.replaceDailyRow(day, raws: [wrong])
        try store.syncRings()
        let findings = StoreCheck(store: store).problems
        #expect(findings.contains { $0.description.contains("O3 statistics differ from the hours'") }, "\(findings)")
        _ = consume store
        let repair = InProcess(["check", "--store", directory, "--repair", "--stations", TestPaths.stations])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        let again = try Store(directory: directory, access: .readOnly)
        #expect(again.dailyRaw(o3, on: day) == right)
    }

    // MARK: AQI (HJ 633, both editions)

    @Test("IAQI on every breakpoint of both HJ 633 tables is the breakpoint's IAQI; one unit above it rounds up on the next segment")
    func breakpoints() {
        for edition in AQIEdition.allCases {
            for item in AQIItem.allCases {
                let bp = item.breakpoints(edition)
                for (i, c) in bp.enumerated() {
                    #expect(item.iaqi(c, edition: edition) == AQIItem.steps[i], "\(item) \(edition) at \(c)")
                }
            }
        }
        let y2012 = AQIEdition.hj633_2012, y2026 = AQIEdition.hj633_2026
        // PM2.5: 2012 IAQI 100 at 75, 2026 at 60. 76 (2012): 50/40·1 + 100 = 101.25 → 102; 61 (2026): 50/55 + 100 → 101.
        #expect(AQIItem.pm25_24h.iaqi(75, edition: y2012) == 100 && AQIItem.pm25_24h.iaqi(60, edition: y2026) == 100)
        #expect(AQIItem.pm25_24h.iaqi(76, edition: y2012) == 102 && AQIItem.pm25_24h.iaqi(61, edition: y2026) == 101)
        // 75 in 2026: 100 + 50/55·15 = 113.6 → 114. 60 in 2012: 50 + 50/40·25 = 81.25 → 82.
        #expect(AQIItem.pm25_24h.iaqi(75, edition: y2026) == 114 && AQIItem.pm25_24h.iaqi(60, edition: y2012) == 82)
        // PM10: 2012 100 at 150, 2026 at 120; 151 (2012) → 100.5 → 101; 121 (2026): 100 + 50/130 → 101.
        #expect(AQIItem.pm10_24h.iaqi(150, edition: y2012) == 100 && AQIItem.pm10_24h.iaqi(120, edition: y2026) == 100)
        #expect(AQIItem.pm10_24h.iaqi(151, edition: y2012) == 101 && AQIItem.pm10_24h.iaqi(121, edition: y2026) == 101)
        // CO in tenths of mg/m³: 1-h 5.1 mg → 50 + 50/50·1 = 51; 24-h 4.0 → 100, 4.1 → 100 + 50/100 → 101.
        #expect(AQIItem.co_1h.iaqi(51, edition: y2012) == 51 && AQIItem.co_24h.iaqi(40, edition: y2026) == 100)
        #expect(AQIItem.co_24h.iaqi(41, edition: y2012) == 101)
        // Above the tables: 500, except SO2 1-h and O3 8-h above 800 (2012: another item; 2026: 200 and 300).
        #expect(AQIItem.pm25_24h.iaqi(501, edition: y2012) == 500 && AQIItem.pm10_24h.iaqi(4355, edition: y2026) == 500)
        #expect(AQIItem.so2_24h.iaqi(2621, edition: y2012) == 500)
        #expect(AQIItem.so2_1h.iaqi(801, edition: y2012) == nil && AQIItem.so2_1h.iaqi(801, edition: y2026) == 200)
        #expect(AQIItem.o3_8h.iaqi(801, edition: y2012) == nil && AQIItem.o3_8h.iaqi(801, edition: y2026) == 300)
        // Levels: 50 优, 51 良, 100 良, 101 轻度, 150, 151 中度, 200, 201 重度, 300, 301 严重.
        let levels = [50, 51, 100, 101, 150, 151, 200, 201, 300, 301].map { AQILevel(aqi: $0).rawValue }
        #expect(levels == [1, 2, 2, 3, 3, 4, 4, 5, 5, 6])
        #expect(AQILevel(aqi: 101).category == "轻度污染" && AQILevel(aqi: 301).category == "严重污染")
    }

    @Test("real-time AQI: PM on the 24-hour tables; SO2 above 800 takes its 24-hour IAQI in 2012 and 200 in 2026; with a measured pollutant missing, 2026 publishes only above 100, and '/' is not missing")
    func realTime() {
        let day2019 = CivilDate(year: 2019, month: 1, day: 9)!
        let day2026 = CivilDate(year: 2026, month: 10, day: 9)!
        let all = Set(Pollutant.allCases)
        // 2647A 2019-01-09 h13 (RULES.md §5.2): SO2 915 with a 24-hour mean of 185 → (150−100)/(475−150)·35 + 100 = 105.4 → 106.
        let so2 = AirQualityIndex.realTime([.so2: 915, .pm25: 40], monitored: [.so2, .pm25], so2Moving24h: 185, on: day2019)
        #expect(so2.iaqi[.so2] == 106 && so2.aqi == 106 && so2.primary == [.so2])
        #expect(AirQualityIndex.realTime([.so2: 915], monitored: [.so2], so2Moving24h: nil, on: day2019).aqi == nil)
        #expect(AirQualityIndex.realTime([.so2: 915], monitored: [.so2], so2Moving24h: nil, on: day2026).aqi == 200)
        // PM2.5 1-h 80: 2012 (100−50)/(75−35)·45 + 50 = 106.25 → 107; 2026 100 + 50/55·20 = 118.2 → 119.
        let full: [Pollutant: Int] = [.pm25: 80, .pm10: 60, .so2: 5, .no2: 30, .co: 8, .o3: 40]
        #expect(AirQualityIndex.realTime(full, monitored: all, so2Moving24h: nil, on: day2019).aqi == 107)
        #expect(AirQualityIndex.realTime(full, monitored: all, so2Moving24h: nil, on: day2026).aqi == 119)
        // 2026 §5.3.1: PM10 measured but missing, AQI of the rest 52 (PM2.5 36) → not published; above 100 → published.
        var low = full; low[.pm10] = nil; low[.pm25] = 36
        let unpublished = AirQualityIndex.realTime(low, monitored: all, so2Moving24h: nil, on: day2026)
        #expect(unpublished.aqi == nil && unpublished.partial == 52 && unpublished.missing == [.pm10])
        #expect(AirQualityIndex.realTime(low, monitored: all, so2Moving24h: nil, on: day2019).aqi == 52, "2012: from the pollutants present")
        var high = full; high[.pm10] = nil
        #expect(AirQualityIndex.realTime(high, monitored: all, so2Moving24h: nil, on: day2026).aqi == 119)
        // Not measured ('/', no series): not missing.
        #expect(AirQualityIndex.realTime(low, monitored: all.subtracting([.pm10]), so2Moving24h: nil, on: day2026).aqi == 52)
        // Primary pollutants: every item equal to the AQI above 50, jointly; none at 50 or below.
        let tie = AirQualityIndex.realTime([.pm25: 75, .pm10: 150], monitored: [.pm25, .pm10], so2Moving24h: nil, on: day2019)
        #expect(tie.aqi == 100 && tie.primary == [.pm10, .pm25])
        #expect(AirQualityIndex.realTime([.pm25: 35], monitored: [.pm25], so2Moving24h: nil, on: day2019).primary.isEmpty)
    }

    @Test("daily AQI: the O3 1-hour maximum is an item in 2012 only; O3 8-hour above 800 takes the 1-hour IAQI in 2012 and 300 in 2026; a day has an AQI when all six are valid or it is above 100")
    func dailyAQI() {
        let day2019 = CivilDate(year: 2019, month: 7, day: 1)!
        let day2026 = CivilDate(year: 2026, month: 7, day: 1)!
        let six: [AQIComponent: Double] = [.so2: 5, .no2: 30, .co: 8, .pm10: 50, .pm25: 30, .o3_8h: 150, .o3_1h: 250]
        // 2012: O3 1-h 250 → 100 + 50/100·50 = 125; O3 8-h 150 → 50 + 50/60·50 = 91.7 → 92. AQI 125, O3_1h primary.
        let y2012 = AirQualityIndex.daily(six, on: day2019)
        #expect(y2012.iaqi[.o3_1h] == 125 && y2012.iaqi[.o3_8h] == 92 && y2012.aqi == 125 && y2012.primary == [.o3_1h])
        // 2026: no 1-hour item: AQI 92 (O3_8h).
        let y2026 = AirQualityIndex.daily(six, on: day2026)
        #expect(y2026.iaqi[.o3_1h] == nil && y2026.aqi == 92 && y2026.primary == [.o3_8h])
        var extreme = six; extreme[.o3_8h] = 850; extreme[.o3_1h] = 900
        // 900 on the 1-hour table: 300 + (400 − 300)/(1000 − 800)·100 = 350.
        #expect(AirQualityIndex.daily(extreme, on: day2019).iaqi[.o3_8h] == 350)
        #expect(AirQualityIndex.daily(extreme, on: day2026).iaqi[.o3_8h] == 300)
        // Daily means are rounded first: PM2.5 75.5 → 76 → 102; 74.5 → 74 → 99.
        #expect(AirQualityIndex.daily([.pm25: 75.5], on: day2019).partial == 102)
        #expect(AirQualityIndex.daily([.pm25: 74.5], on: day2019).partial == 99)
        // Five valid and AQI ≤ 100: no AQI day; five valid and above 100: a (polluted) AQI day.
        var five = six; five[.no2] = nil
        #expect(AirQualityIndex.daily(five, on: day2026).aqi == nil && AirQualityIndex.daily(five, on: day2026).missing == [.no2])
        five[.pm25] = 80   // 2026: 100 + 50/55·20 = 118.2 → 119 > 100
        #expect(AirQualityIndex.daily(five, on: day2026).aqi == 119)
    }

    // MARK: Composite index

    @Test("composite index: the worked example 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.06 (summing rounded Iᵢ would give 3.07); major pollutant; PM-only index; limit sets by date")
    func compositeExample() throws {
        let published: [Pollutant: Int?] = [.pm25: 21, .pm10: 39, .so2: 9, .no2: 15, .o3: 192, .co: 7]
        let index = CompositeIndex(published: published, limits: .gb3095_2012)
        #expect(index.totalHundredths == 306)
        let rounded = CompositeIndex.pollutants.compactMap { index.singleHundredths($0) }
        #expect(rounded.reduce(0, +) == 307, "0.15 + 0.38 + 0.56 + 0.60 + 0.18 + 1.20")
        #expect(index.singleHundredths(.no2) == 38 && index.singleHundredths(.co) == 18, "0.375 → 0.38, 0.175 → 0.18 (half to even)")
        #expect(index.major == [.o3] && index.attainsGradeII == false)
        #expect(index.pmOnlyHundredths == 116, "0.6 + 0.557 = 1.157 → 1.16")
        // A pollutant without a valid statistic: no index, the rest still shown.
        var partial = published; partial[.o3] = .some(nil)
        let invalid = CompositeIndex(published: partial, limits: .gb3095_2012)
        #expect(invalid.totalHundredths == nil && invalid.invalid == [.o3] && invalid.singleHundredths(.so2) == 15)
        // Ties of the largest index are joint major pollutants: 35/35 = 70/70.
        let tie = CompositeIndex(published: [.pm25: 35, .pm10: 70, .so2: 6, .no2: 4, .o3: 16, .co: 4], limits: .gb3095_2012)
        #expect(tie.major == [.pm10, .pm25] && tie.attainsGradeII == true)
        // The limits by date: S of PM2.5 35 → 30 (2026-03-01) → 25 (2031); SO2 and NO2 change in 2031.
        let sets = AirQualityStandard.allCases.map { s in CompositeIndex.pollutants.map { s.compositeLimit($0) } }
        #expect(sets == [[60, 40, 70, 35, 40, 160], [60, 40, 60, 30, 40, 160], [20, 30, 50, 25, 40, 160]])
        #expect(AirQualityStandard.inForce(on: CivilDate(year: 2026, month: 2, day: 28)!) == .gb3095_2012)
        #expect(AirQualityStandard.inForce(on: CivilDate(year: 2026, month: 3, day: 1)!) == .gb3095_2026Transitional)
        #expect(AirQualityStandard.inForce(on: CivilDate(year: 2031, month: 1, day: 1)!) == .gb3095_2026)
        // A day (a day number) gets the same edition as its date, on both sides of each boundary.
        for (year, month, day, standard, aqi) in [(2026, 2, 28, AirQualityStandard.gb3095_2012, AQIEdition.hj633_2012),
                                                  (2026, 3, 1, .gb3095_2026Transitional, .hj633_2026),
                                                  (2030, 12, 31, .gb3095_2026Transitional, .hj633_2026),
                                                  (2031, 1, 1, .gb3095_2026, .hj633_2026)] {
            let date = try #require(CivilDate(year: year, month: month, day: day))
            #expect(AirQualityStandard.inForce(on: Day(date)) == standard, "\(date)")
            #expect(AQIEdition.inForce(on: Day(date)) == aqi, "\(date)")
        }
    }

    // MARK: Hand-made stores

    let zone = LocalZone.beijing

    /// A store (hour labels 0–23, so a date's hours are its day) and one city with districts A, B.
    func fixture() throws -> (Store, StationRegistry) {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-indicators"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 24 * 40, dailyCapacity: 3000, dayConvention: .hours0to23))
        let registry = StationRegistry(stations: ["A", "B"].map { Station(code: "S\($0)", name: "站\($0)", city: "测试", district: "\($0)区") })
        return (store, registry)
    }

    /// Writes 24 equal hourly values of each pollutant for a station on each day of `days`.
    func write(_ store: Store, _ station: String, _ values: [Pollutant: Int], days: [Day], hours: Int = 24) throws {
        let keys = Pollutant.allCases.filter { values[$0] != nil }
        let ids = try store.resolve(keys.map { SeriesKey(station: station, pollutant: $0) })
        var readings: [StoredReading] = []
        for day in days {
            for h in 0 ..< hours {
                for (k, p) in keys.enumerated() {
                    readings.append(StoredReading(series: ids[k], hour: zone.hour(day: day, hourOfDay: h), value: values[p] ?? 0))
                }
            }
        }
        _ = try store.write(readings, policy: .advanceAsNeeded)
    }

    func days(_ month: Month) -> [Day] { Array(month.days) }

    @Test("year on year across 2026-03-01 with constant limits: March 2026 and March 2025 both by GB 3095-2026's transitional Sᵢ (2.40 and 2.40, change 0.0 %); --limits 2012 gives 2.11 for both; the AQI days follow each day's HJ 633")
    func yearOnYearAcross2026() throws {
        let (store, registry) = try fixture()
        let march2025 = Month(year: 2025, month: 3)!, march2026 = Month(year: 2026, month: 3)!
        // A: PM2.5 30, PM10 60, SO2 6, NO2 4, CO 0.4 mg/m³ (4 tenths), O3 16 — the same both years.
        let a: [Pollutant: Int] = [.pm25: 30, .pm10: 60, .so2: 6, .no2: 4, .co: 4, .o3: 16]
        // B: the same with PM2.5 65 — IAQI 88 under HJ 633-2012 (good), 105 under HJ 633-2026 (polluted).
        var b = a; b[.pm25] = 65
        for month in [march2025, march2026] {
            try write(store, "SA", a, days: days(month))
            try write(store, "SB", b, days: days(month))
        }
        let scope = RankingScope(level: .district, city: "测试")
        let ranking = try IndicatorRanking(store: store, registry: registry, indicator: .composite, months: [march2026], scope: scope)
        #expect(ranking.limits == .gb3095_2026Transitional && !ranking.limitsForced)
        let entryA = try #require(ranking.entries.first { $0.unit.name == "A区" })
        // 30/30 + 60/60 + 6/60 + 4/40 + 0.4/4 + 16/160 = 1 + 1 + 0.1 + 0.1 + 0.1 + 0.1 = 2.40, both years.
        #expect(entryA.value == 240 && entryA.lastYearValue == 240 && entryA.change == 0)
        // B: 65/30 + 1 + 0.4 = 3.5667 → 3.57 both years; ranked second.
        let entryB = try #require(ranking.entries.first { $0.unit.name == "B区" })
        #expect(entryB.value == 357 && entryB.lastYearValue == 357 && entryB.rank == 2 && entryB.change == 0)
        // Forced 2012 limits: 30/35 + 60/70 + 0.4 = 2.1143 → 2.11 for both years.
        let forced = try IndicatorRanking(store: store, registry: registry, indicator: .composite, months: [march2026],
                                          scope: scope, limits: .gb3095_2012)
        let forcedA = try #require(forced.entries.first { $0.unit.name == "A区" })
        #expect(forcedA.value == 211 && forcedA.lastYearValue == 211 && forced.limitsForced)
        // The AQI days follow each day's table: B is good every day of March 2025, polluted every day of March 2026.
        let good = try IndicatorRanking(store: store, registry: registry, indicator: .goodDays, months: [march2026], scope: scope)
        let goodB = try #require(good.entries.first { $0.unit.name == "B区" })
        #expect(goodB.value == 0 && goodB.lastYearValue == 1000 && goodB.change == -1000, "0.0 % against 100.0 %: −100.0 points")
        #expect(goodB.current.aqiDays.pollutedDays == 31 && goodB.lastYear.aqiDays.goodDays == 31)
        // The report says which limits it used, for both years.
        let notes = IndicatorRankingReport(ranking: ranking, language: .en).notes.joined(separator: "\n")
        #expect(notes.contains("S(PM2.5) = 30") && notes.contains("last year's period uses the same limits"), "\(notes)")
    }

    @Test("a year needs ≥ 324 valid days and ≥ 27 in every month (February ≥ 25): 357 days with a February of 20 are invalid, shown in parentheses with the reason")
    func annualValidity() throws {
        let (store, registry) = try fixture()
        let year = (1 ... 12).map { Month(year: 2019, month: $0)! }
        for month in year {
            let all = days(month)
            try write(store, "SA", [.pm25: 40], days: month.isFebruary ? Array(all.prefix(20)) : all)
            try write(store, "SB", [.pm25: 50], days: all)
        }
        let scope = RankingScope(level: .district, city: "测试", pollutants: [.pm25])
        let ranking = try PeriodRanking(store: store, registry: registry, from: year[0], to: year[11], scope: scope)
        let entries = try #require(ranking.rankings.first).entries
        let a = try #require(entries.first { $0.unit.name == "A区" })
        #expect(a.statistics.validDays == 357 && !a.statistics.isValid, "357 ≥ 324, but February has 20 < 25")
        #expect(a.statistics.shortfall?.months.map(\.month) == [Month(year: 2019, month: 2)!])
        #expect(a.rank == 2 && entries.first?.unit.name == "B区" && entries.first?.rank == 1)
        let table = PeriodRankingReport(ranking: ranking, language: .zh).table()
        #expect(table.contains("(40)") && table.contains("2019年2月有效天数20/25"), "\(table)")
        // The same rule for the indicator ranking of the year.
        let indicator = try IndicatorRanking(store: store, registry: registry, indicator: .pm25, months: year, scope: scope)
        #expect(indicator.entries.first { $0.unit.name == "A区" }?.isValid == false)
        #expect(indicator.entries.first { $0.unit.name == "B区" }?.rank == 1)
    }

    @Test("a period's monthly ranks mark a month short of valid days as invalid (never the jointly-last '1' when every unit is invalid)")
    func invalidMonthsMarked() throws {
        let (store, registry) = try fixture()
        let january = Month(year: 2019, month: 1)!, february = Month(year: 2019, month: 2)!, march = Month(year: 2019, month: 3)!
        let scope = RankingScope(level: .district, city: "测试", pollutants: [.pm25])
        for month in [january, february, march] {
            try write(store, "SA", [.pm25: 30], days: month == february ? Array(days(month).prefix(10)) : days(month))
            try write(store, "SB", [.pm25: 50], days: days(month))
        }
        let ranking = try PeriodRanking(store: store, registry: registry, from: january, to: march, scope: scope)
        let entries = try #require(ranking.rankings.first).entries
        let a = try #require(entries.first { $0.unit.name == "A区" })
        let b = try #require(entries.first { $0.unit.name == "B区" })
        // A's February (10 of 25 days) is marked invalid, not ranked jointly last; B is first that month.
        #expect(a.monthlyRanks == [.ranked(1), .invalid(validDays: 10), .ranked(1)])
        #expect(b.monthlyRanks == [.ranked(2), .ranked(1), .ranked(2)])
        #expect(a.monthsFirst == 2 && b.monthsFirst == 1)
        // The period: A invalid (February), jointly last; B first.
        #expect(!a.statistics.isValid && a.rank == 2 && b.rank == 1)
        let text = PeriodRankingReport(ranking: ranking, language: .zh).table()
        #expect(text.contains("1 无效 1"), "\(text)")
        // A month in which every unit is invalid gives no ranks at all — and no valid period: nothing is ranked.
        let april = Month(year: 2019, month: 4)!
        try write(store, "SA", [.pm25: 30], days: Array(days(april).prefix(5)))
        try write(store, "SB", [.pm25: 50], days: Array(days(april).prefix(5)))
        #expect(throws: QueryError.self) { try PeriodRanking(store: store, registry: registry, from: march, to: april, scope: scope) }
        #expect(throws: QueryError.self) { try MonthlyRanking(store: store, registry: registry, month: april, scope: scope) }
        do {
            _ = try IndicatorRanking(store: store, registry: registry, indicator: .pm25, months: [april], scope: scope)
            Issue.record("a month without a valid unit was ranked")
        } catch {
            #expect("\(error)".contains("nothing is ranked"))
        }
    }
}

@Suite("Indicators: stores written before the gases", .onTestThreads)
struct StoreWideningTests {
    @Test("a store of the current format with PM only (written by haze 0.2.0) opens, gains SO2, NO2, CO and O3 series on ingest, keeps every PM value, day and its 0–23 day, and checks clean")
    func pmOnlyStoreGainsGases() throws {
        let directory = TestPaths.temporaryDirectory("haze-widen")
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            try FileManager.default.copyItem(atPath: TestPaths.fixtures + "/store-v2-pm/" + name, toPath: directory + "/" + name)
        }
        let before = try Store(directory: directory, access: .readOnly)
        #expect(before.series.count == 6 && before.calendar.convention == .hours0to23)
        let days = (1 ... 4).map { Day(CivilDate(year: 2019, month: 1, day: $0)!) }
        let pmDaily = (0 ..< 6).map { s in days.map { before.daily(s, on: $0) } }
        let window = try #require(before.hourlyWindow)
        let pmHourly = (0 ..< 6).map { s in window.map { before.value(s, at: $0) } }
        #expect(StoreCheck(store: before).isHealthy)
        _ = consume before
        // Gas hours of 1001A on 2019-01-04: SO2 10, NO2 40, CO 1.25 mg/m³ (→ 1.2), O3 rising 20…43.
        var csv = "station,time,pollutant,value\n"
        for h in 0 ..< 24 {
            let time = "2019-01-04T\(CivilDate.pad(h, 2)):00+08:00"
            csv += "1001A,\(time),SO2,10\n1001A,\(time),NO2,40\n1001A,\(time),CO,1.25\n1001A,\(time),O3,\(20 + h)\n"
        }
        let file = TestPaths.temporaryDirectory("haze-widen-input") + "/gases.csv"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let run = InProcess(["ingest", "--store", directory, "--stations", TestPaths.stations, file])
        #expect(run.status == 0 && run.stdout.contains("stored 96"), "\(run.stdout)\(run.stderr)")
        let after = try Store(directory: directory, access: .readOnly)
        #expect(after.series.count == 10 && after.calendar.convention == .hours0to23, "the day stays the store's own")
        for s in 0 ..< 6 {
            #expect(days.map { after.daily(s, on: $0) } == pmDaily[s], "\(after.series[s]) days kept")
            #expect(window.map { after.value(s, at: $0) } == pmHourly[s], "\(after.series[s]) hours kept")
        }
        let day = days[3]
        let co = try #require(after.index(of: SeriesKey(station: "1001A", pollutant: .co)))
        #expect(after.daily(co, on: day).sum == 24 * 12 && after.daily(co, on: day).isValid, "1.25 → 1.2 mg/m³ (half to even), in tenths")
        let o3 = try #require(after.index(of: SeriesKey(station: "1001A", pollutant: .o3)))
        let stats = try #require(after.daily(o3, on: day).o3)
        // The highest 8-hour mean is the last window, 36…43: (36 + … + 43)/8 = 39.5 → 40 (half to even); 17 windows; max 43.
        #expect(stats.windows == 17 && stats.mda8 == 39.5 && stats.roundedMDA8 == 40 && stats.maximumHour == 43)
        #expect(StoreCheck(store: after).isHealthy)
        #expect(InProcess(["check", "--store", directory, "--stations", TestPaths.stations]).status == 0)
    }
}
