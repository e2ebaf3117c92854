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

@Suite("Model: dates, hours, zones", .onTestThreads)
struct TimeTests {
    @Test("day numbers match known dates", arguments: [
        ("1970-01-01", 0), ("2000-03-01", 11_017), ("2019-01-01", 17_897), ("2024-02-29", 19_782), ("1969-12-31", -1),
    ])
    func dayNumbers(text: String, number: Int) throws {
        let date = try #require(CivilDate(parsing: text))
        #expect(date.dayNumber == number)
        #expect(CivilDate(dayNumber: number) == date)
        #expect(date.description == text)
    }

    @Test func rejectsImpossibleDates() {
        #expect(CivilDate(parsing: "2019-02-29") == nil)
        #expect(CivilDate(parsing: "20190230") == nil)
        #expect(CivilDate(parsing: "2019-13-01") == nil)
        #expect(CivilDate(parsing: "2019-1-1") == nil)
        #expect(CivilDate(parsing: "abcd-ef-gh") == nil)
        #expect(CivilDate(parsing: "2020-02-29") != nil)
    }

    @Test("Beijing hour 0 of a day is 16:00 UTC the day before")
    func beijingHours() throws {
        let zone = LocalZone.beijing
        let day = Day(try #require(CivilDate(parsing: "2019-01-01")))
        let hour = zone.hour(day: day, hourOfDay: 0)
        #expect(hour.description == "2018-12-31T16:00Z")
        #expect(zone.day(of: hour) == day)
        #expect(zone.hourOfDay(hour) == 0)
        #expect(zone.day(of: hour.advanced(by: 23)) == day)
        #expect(zone.day(of: hour.advanced(by: 24)) == day.advanced(by: 1))
        #expect(zone.format(hour.advanced(by: 8)) == "2019-01-01T08:00+08:00")
    }

    @Test func monthsKnowTheirLength() throws {
        #expect(try #require(Month(parsing: "2019-02")).dayCount == 28)
        #expect(try #require(Month(parsing: "2020-02")).dayCount == 29)
        #expect(try #require(Month(parsing: "2019-01")).yearEarlier?.description == "2018-01")
        #expect(try #require(Month(parsing: "2019-12")).next?.description == "2020-01")
        #expect(Month(parsing: "2019-13") == nil)
    }

    @Test("ISO-8601 hours with and without offsets")
    func isoHours() throws {
        let zone = LocalZone.beijing
        let expected = zone.hour(day: Day(try #require(CivilDate(parsing: "2019-01-01"))), hourOfDay: 8)
        for text in ["2019-01-01T08:00:00+08:00", "2019-01-01T00:00Z", "2019-01-01 08:00", "2019-01-01T08",
                     "2019-01-01T00:00:00.000Z", "2019-01-01T08:00+0800", "2018-12-31T19:00-05:00"] {
            #expect(ISOHour.parse(text, defaultZone: zone) == .success(expected), "\(text)")
        }
        #expect(ISOHour.parse("2019-01-01T08:30", defaultZone: zone) == .failure(.notOnTheHour))
        #expect(ISOHour.parse("2019-01-01", defaultZone: zone) == .failure(.malformed))
        #expect(ISOHour.parse("2019-02-30T08:00", defaultZone: zone) == .failure(.malformed))
        #expect(ISOHour.parse("yesterday", defaultZone: zone) == .failure(.malformed))
    }
}

@Suite("Model: GB/T 8170 rounding", .onTestThreads)
struct RoundingTests {
    @Test("exact halves go to the even neighbour", arguments: [
        (52.5, 52), (53.5, 54), (0.5, 0), (1.5, 2), (52.49, 52), (52.51, 53), (75.5, 76), (74.5, 74),
    ])
    func halves(value: Double, expected: Int) {
        #expect(GBT8170.roundToInteger(value) == expected)
    }

    @Test("a half that floating point misses by an ulp is still a half")
    func nearHalves() {
        // 52.35 + 0.15 is 52.49999999999999 in binary, but 52.5 in decimal.
        #expect(GBT8170.roundToInteger(52.35 + 0.15) == 52)
        #expect(GBT8170.roundToInteger(157.0 / 3.0 + 1.0 / 6.0) == 52)  // 52.5 computed
        #expect(GBT8170.format(2.675, decimals: 2) == "2.68")  // 2.675 decimal: half, 7 odd → 8
        #expect(GBT8170.format(0.125, decimals: 2) == "0.12")
        #expect(GBT8170.format(-1.25, decimals: 1) == "-1.2")
        #expect(GBT8170.format(3, decimals: 1) == "3.0")
    }
}

@Suite("Model: standards by date", .onTestThreads)
struct StandardTests {
    @Test("Grade II 24-hour limits follow the edition in force")
    func dailyLimits() throws {
        func limit(_ date: String, _ p: Pollutant) throws -> Int {
            AirQualityStandard.inForce(on: try #require(CivilDate(parsing: date))).dailyLimit(p)
        }
        #expect(try limit("2019-01-15", .pm25) == 75)
        #expect(try limit("2026-02-28", .pm10) == 150)
        #expect(try limit("2026-03-01", .pm25) == 60)
        #expect(try limit("2026-03-01", .pm10) == 120)
        #expect(try limit("2030-12-31", .pm25) == 60)
        #expect(try limit("2031-01-01", .pm25) == 50)
        #expect(try limit("2031-01-01", .pm10) == 100)
    }

    @Test("IAQI from HJ 633 breakpoints, rounded up")
    func iaqi() throws {
        let d2019 = try #require(CivilDate(parsing: "2019-01-12"))
        let d2026 = try #require(CivilDate(parsing: "2026-06-01"))
        #expect(AirQualityIndex.iaqi(.pm25, dailyMean: 75, on: d2019) == 100)
        #expect(AirQualityIndex.iaqi(.pm25, dailyMean: 60, on: d2026) == 100)
        #expect(AirQualityIndex.iaqi(.pm25, dailyMean: 150, on: d2019) == 200)
        #expect(AirQualityIndex.iaqi(.pm25, dailyMean: 250, on: d2026) == 300)
        #expect(AirQualityIndex.iaqi(.pm10, dailyMean: 350, on: d2019) == 200)
        // (100-50)/(75-35)*(36-35)+50 = 51.25 → 52
        #expect(AirQualityIndex.iaqi(.pm25, dailyMean: 36, on: d2019) == 52)
        #expect(AirQualityIndex.iaqi(.pm25, dailyMean: 700, on: d2019) == 500)
        #expect(AirQualityIndex.pmAQI(pm25: 160, pm10: 200, on: d2019) == 210)
    }

    @Test func pollutantSpellings() {
        for name in ["PM2.5", "pm2.5", "pm25", "PM2_5", "Pm 2.5"] { #expect(Pollutant(name: name) == .pm25) }
        for name in ["PM10", "pm10"] { #expect(Pollutant(name: name) == .pm10) }
        for name in ["SO2", "so2", "SO₂", "ＳＯ２"] { #expect(Pollutant(name: name) == .so2) }
        for name in ["NO2", "no2"] { #expect(Pollutant(name: name) == .no2) }
        for name in ["CO", "co"] { #expect(Pollutant(name: name) == .co) }
        for name in ["O3", "o3", "O₃"] { #expect(Pollutant(name: name) == .o3) }
        for name in ["PM2.5_24h", "SO2_24h", "O3_8h", "O3_8h_24h", "CO_24h", "CO2", "NOx", "", "pm1"] {
            #expect(Pollutant(name: name) == nil, "\(name)")
        }
    }
}

@Suite("Model: display width", .onTestThreads)
struct DisplayWidthTests {
    @Test func chineseTakesTwoColumns() {
        #expect(DisplayWidth.of("朝阳区") == 6)
        #expect(DisplayWidth.of("PM2.5") == 5)
        #expect(DisplayWidth.of("µg/m³") == 5)
        #expect(DisplayWidth.pad("北京", to: 6) == "北京  ")
        var table = TextTable(columns: [.init("区"), .init("value", alignRight: true)])
        table.append(["朝阳区", "52"])
        table.append(["Xicheng", "7"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(Set(lines.map(DisplayWidth.of)).count == 1, "every line has the same display width: \(lines)")
    }
}

@Suite("Model: station codes", .onTestThreads)
struct StationCodeTests {
    @Test("a code is refused for exactly Unicode's control characters (general category Cc), found by bytes, not by the property table")
    func controlCharactersAreUnicodesCc() {
        // Every scalar of the first planes and the last, alone and inside a code.
        let scalars = (0 ... 0x2FFFF).compactMap(Unicode.Scalar.init) + (0xE0000 ... 0x10FFFF).compactMap(Unicode.Scalar.init)
        var wrong: [UInt32] = []
        for scalar in scalars {
            let isCc = scalar.properties.generalCategory == .control
            let alone = SeriesKey.codeProblem(String(scalar))
            let inside = SeriesKey.codeProblem("1" + String(scalar) + "A")
            let saysControl = { (problem: String?) in problem?.contains("control character") == true }
            if saysControl(alone) != isCc || saysControl(inside) != isCc { wrong.append(scalar.value) }
        }
        #expect(wrong.isEmpty, "misjudged: \(wrong.prefix(20).map { String($0, radix: 16) })")
        #expect(SeriesKey.codeProblem("1001A") == nil && SeriesKey.codeProblem("监测站\u{C2}A") == nil)
        #expect(SeriesKey.codeProblem("A\u{85}") == "station code contains a control character (U+0085)")
        #expect(SeriesKey.codeProblem(String(repeating: "é", count: 13)) == "station code longer than 24 bytes")
    }
}
