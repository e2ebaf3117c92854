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

/// The alert kinds and the episode state machine on hand-made data.
@Suite("Alerts: rules and episodes on hand-made data", .onTestThreads)
struct AlertEngineTests {
    let zone = LocalZone.beijing
    let registry = StationRegistry(stations: [
        Station(code: "S1", name: "一号", city: "测试", district: "甲区"),
        Station(code: "S2", name: "二号", city: "测试", district: "甲区"),
        Station(code: "S3", name: "三号", city: "测试", district: "乙区"),
        Station(code: "S4", name: "四号", city: "测试", district: "乙区"),
    ])

    func store() throws -> Store {
        try Store(directory: TestPaths.temporaryDirectory("haze-alert"), access: .readWrite,
                  creating: StoreConfiguration(hourlyCapacity: 800 * 24, dailyCapacity: 900, dayConvention: .hours0to23))
    }

    func hour(_ date: String, _ h: Int) -> Hour { zone.hour(day: Day(CivilDate(parsing: date)!), hourOfDay: h) }

    /// Writes `values[i]` at `start + i` hours (nil = missing).
    func write(_ store: Store, _ station: String, _ pollutant: Pollutant, from start: Hour, _ values: [Int?]) throws {
        let id = try store.resolve([SeriesKey(station: station, pollutant: pollutant)])[0]
        // Hand-made history jumps between years: let the window go where the data go.
        _ = try store.write(values.enumerated().compactMap { i, v in
            v.map { StoredReading(series: id, hour: start.advanced(by: i), value: $0) }
        }, policy: .advanceAsNeeded)
    }

    func rules(_ json: String) throws -> RuleSet {
        try RuleSet.parse(data: Array("{\"campaign\":\"test\",\"rules\":[\(json)]}".utf8), file: "test.json")
    }

    func run(_ store: Store, _ rules: RuleSet, from: Hour, hours: Int) -> [AlertEvent] {
        var state = AlertState()
        return Alerter(store: store, registry: registry, rules: rules)
            .evaluate(hours: Array(from ..< from.advanced(by: hours)), state: &state)
    }

    func summary(_ events: [AlertEvent]) -> [String] {
        events.map { "\(zone.hourOfDay($0.hour))h \($0.kind.rawValue) \($0.subject.key) \($0.levelName)" }
    }

    let message = "\"message\":{\"zh\":\"{name}\",\"en\":\"{name}\"}"

    @Test("threshold: opens after N hours, escalates, reminds after the cooldown, missing data never closes, a low value does")
    func thresholdEpisodes() throws {
        let store = try store()
        let start = hour("2019-01-05", 0)
        //            0    1    2    3    4    5    6    7    8    9    10   11
        let values: [Int?] = [100, 120, 130, 140, 260, 270, 280, nil, nil, 200, 90, 120]
        try write(store, "S1", .pm25, from: start, values)
        let set = try rules("""
            {"id":"t","kind":"threshold","pollutant":"pm2.5","hours":3,"cooldown_hours":4,
             "levels":[{"threshold":115,"severity":"warning"},{"threshold":250,"severity":"critical"}],\(message)}
            """)
        let events = run(store, set, from: start, hours: 12)
        #expect(summary(events) == [
            "3h opened S1 warning",      // 120, 130, 140 ≥ 115
            "6h escalated S1 critical",  // 260, 270, 280 ≥ 250
            "10h closed S1 critical",    // missing at 7–8 changes nothing; 200 keeps it open; 90 closes
        ])
        let closed = try #require(events.last)
        #expect(closed.peak == 280 && closed.since == start.advanced(by: 3))
        #expect(closed.messages["en"]?.contains("since 2019-01-05T03:00+08:00, 7 h, peak 280") == true)
        // A reminder after the cooldown while it stays open.
        try write(store, "S2", .pm25, from: start, Array(repeating: 150, count: 12))
        let reminders = run(store, set, from: start, hours: 12).filter { $0.subject.key == "S2" }
        #expect(summary(reminders) == ["2h opened S2 warning", "6h reminder S2 warning", "10h reminder S2 warning"])
    }

    @Test("a district-scope threshold uses the mean of the district's stations")
    func unitScope() throws {
        let store = try store()
        let start = hour("2019-01-05", 0)
        try write(store, "S1", .pm25, from: start, [200, 200])
        try write(store, "S2", .pm25, from: start, [20, 20])   // mean 110 < 115
        try write(store, "S3", .pm25, from: start, [140, 130])
        try write(store, "S4", .pm25, from: start, [100, 110])   // mean 120, 120 ≥ 115
        let set = try rules("{\"id\":\"d\",\"kind\":\"threshold\",\"pollutant\":\"pm2.5\",\"hours\":2,\"scope\":\"district\",\"threshold\":115,\(message)}")
        #expect(summary(run(store, set, from: start, hours: 2)) == ["1h opened 测试/乙区 warning"])
    }

    @Test("episode: consecutive 24-hour AQI > 200 — yellow at 2 days, orange at 3 with one > 300, red at 4 with two > 300")
    func heavyPollutionEpisode() throws {
        let store = try store()
        let start = hour("2019-01-05", 0)
        // Daily PM2.5 160 (IAQI 210), 160, 260 (IAQI 310), 260, then 30.
        let days = [160, 160, 260, 260, 30]
        for station in ["S1", "S2"] {
            try write(store, station, .pm25, from: start, days.flatMap { Array(repeating: $0, count: 24) })
        }
        let set = try rules("""
            {"id":"e","kind":"episode","scope":"city","cooldown_hours":100,
             "levels":[{"name":"yellow","severity":"warning"},{"name":"orange","severity":"critical"},
                       {"name":"red","severity":"critical"}],
             "message":{"zh":"{city} {level} {days} {aqi}","en":"{city} {level} {days} {aqi}"}}
            """)
        let events = run(store, set, from: start, hours: 24 * 5)
        // Windows are 24 hours ending at the hour, a day apart, each needing 20 valid hours
        // (data start on the 5th at 00:00), so levels change when the windows fill, by hand:
        #expect(events.map { "\($0.kind.rawValue) \($0.levelName) \(zone.day(of: $0.hour).date.day)/\(zone.hourOfDay($0.hour))" } == [
            "opened yellow 6/19",      // window ending 5th 19:00 has its 20 hours; both AQI 210
            "escalated orange 7/21",   // (160·2 + 260·22)/24 = 251.7 → 252 → AQI 302 > 300, three windows
            "escalated red 8/21",      // four windows, two over 300
            "closed orange 9/11",      // (260·12 + 30·12)/24 = 145 → AQI 193 ≤ 200; the level had fallen back
        ])
        #expect(events[0].messages["en"] == "测试 yellow 2 210")
    }

    @Test("night rise (散煤): PM2.5-dominated rise at night over the evening mean, in season only")
    func nightRise() throws {
        let store = try store()
        let evening = hour("2019-01-05", 18)
        //                          18  19  20  21   22   23    0    1    2   3
        try write(store, "S1", .pm25, from: evening, [50, 50, 50, 60, 100, 110, 105, 40, 30, 30])
        try write(store, "S1", .pm10, from: evening, [90, 90, 90, 90, 120, 130, 125, 90, 90, 90])
        let set = try rules("""
            {"id":"n","kind":"night-rise","rise":35,"minimum_ratio":0.7,"hours":2,
             "message":{"zh":"{name} {rise} {ratio}","en":"{name} {rise} {ratio}"}}
            """)
        let events = run(store, set, from: evening, hours: 10)
        #expect(summary(events) == ["23h opened S1 warning", "1h closed S1 warning"])
        #expect(events[0].messages["en"] == "一号 60 0.85")
        // The same night in July is out of season.
        let july = hour("2019-07-05", 18)
        try write(store, "S2", .pm25, from: july, [50, 50, 50, 60, 100, 110, 105])
        try write(store, "S2", .pm10, from: july, [90, 90, 90, 90, 120, 130, 125])
        #expect(run(store, set, from: july, hours: 7).isEmpty)
    }

    @Test("excess (散乱污): a station far above its city's other stations' median for N hours")
    func excess() throws {
        let store = try store()
        let start = hour("2019-01-05", 0)
        try write(store, "S1", .pm10, from: start, [200, 210, 220, 100])
        try write(store, "S2", .pm10, from: start, [100, 100, 100, 100])
        try write(store, "S3", .pm10, from: start, [110, 110, 110, 100])
        try write(store, "S4", .pm10, from: start, [90, nil, 90, 100])
        let set = try rules("""
            {"id":"x","kind":"excess","pollutant":"pm10","percent":50,"difference":60,"hours":3,"minimum_neighbours":2,
             "message":{"zh":"{name} {value} {median} {neighbours}","en":"{name} {value} {median} {neighbours}"}}
            """)
        let events = run(store, set, from: start, hours: 4)
        #expect(summary(events) == ["2h opened S1 warning", "3h closed S1 warning"])
        #expect(events[0].messages["en"] == "一号 220 100.0 3")
    }

    @Test("dust (散尘): high PM10 with a low PM2.5/PM10 ratio")
    func dust() throws {
        let store = try store()
        let start = hour("2019-04-05", 10)
        try write(store, "S1", .pm10, from: start, [300, 320, 310, 320])
        try write(store, "S1", .pm25, from: start, [90, 100, 200, nil])
        let set = try rules("{\"id\":\"r\",\"kind\":\"ratio\",\"threshold\":150,\"maximum_ratio\":0.4,\"hours\":2,\(message)}")
        // 0.30, 0.31 → open at 11h; 0.65 closes at 12h; missing PM2.5 at 13h is unknown.
        #expect(summary(run(store, set, from: start, hours: 4)) == ["11h opened S1 warning", "12h closed S1 warning"])
    }

    @Test("trend: a district's month to date worse than the same days last year, or last in its city")
    func trend() throws {
        let store = try store()
        for day in 1...10 {
            let date = String(format: "2019-01-%02d", day)
            let lastYear = String(format: "2018-01-%02d", day)
            try write(store, "S1", .pm25, from: hour(lastYear, 0), Array(repeating: 50, count: 24))
            try write(store, "S3", .pm25, from: hour(lastYear, 0), Array(repeating: 50, count: 24))
            try write(store, "S1", .pm25, from: hour(date, 0), Array(repeating: 60, count: 24))   // +20 %
            try write(store, "S3", .pm25, from: hour(date, 0), Array(repeating: 52, count: 24))   // +4 %
        }
        let set = try rules("""
            {"id":"w","kind":"trend","pollutant":"pm2.5","percent":10,"when_last":false,"minimum_days":5,
             "message":{"zh":"{name} {value} {last_year} {change}","en":"{name} {value} {last_year} {change}"}}
            """)
        let events = run(store, set, from: hour("2019-01-10", 23), hours: 1)
        #expect(summary(events) == ["23h opened 测试/甲区 warning"])
        #expect(events[0].messages["en"] == "甲区 60 50 +20.0")
        let last = try rules("""
            {"id":"l","kind":"trend","pollutant":"pm2.5","percent":50,"when_last":true,"minimum_days":5,
             "message":{"zh":"{name} {rank}/{units}","en":"{name} {rank}/{units}"}}
            """)
        #expect(run(store, last, from: hour("2019-01-10", 23), hours: 1).map { $0.messages["en"] ?? "" } == ["甲区 2/2"])
    }

    @Test("station health: silence, flat lines, PM2.5 above PM10, a drop far below every neighbour")
    func stationHealth() throws {
        let store = try store()
        let start = hour("2019-01-05", 0)
        try write(store, "S1", .pm25, from: start, [50, nil, nil, nil, 60])
        try write(store, "S2", .pm25, from: start, [40, 40, 40, 40, 41])
        try write(store, "S3", .pm25, from: start, [80, 90, 95, 99, 99])
        try write(store, "S3", .pm10, from: start, [70, 80, 99, 120, 130])
        try write(store, "S4", .pm25, from: start, [5, 5, 6, 40, 40])
        try write(store, "S1", .pm10, from: start, [60])
        let set = try rules("""
            {"id":"m","kind":"data","check":"missing","hours":3,"severity":"info",\(message)},
            {"id":"f","kind":"data","check":"flat","pollutant":"pm2.5","hours":4,"severity":"info",\(message)},
            {"id":"p","kind":"data","check":"pm25-above-pm10","tolerance":5,"hours":2,"severity":"info",\(message)},
            {"id":"d","kind":"data","check":"drop","pollutant":"pm2.5","fraction":0.25,"hours":2,"minimum_neighbours":2,"severity":"info",\(message)}
            """)
        let events = run(store, set, from: start, hours: 5)
        #expect(Set(events.map { "\($0.ruleID) \(zone.hourOfDay($0.hour))h \($0.kind.rawValue) \($0.subject.key)" }) == [
            "m 3h opened S1", "m 4h closed S1",
            "f 3h opened S2", "f 4h closed S2",
            "p 1h opened S3", "p 2h closed S3",
            "d 1h opened S4", "d 3h closed S4",
        ])
    }

    @Test("micro-sensors: a station rule still watches a sensor, but a sensor is never a neighbour of another station")
    func sensorsAreNotNeighbours() throws {
        let store = try store()
        let start = hour("2019-01-05", 0)
        try write(store, "S1", .pm25, from: start, [50, 50, 50, 50, 50])
        try write(store, "S2", .pm25, from: start, [40, 40, 40, 40, 40])
        try write(store, "S3", .pm25, from: start, [80, 90, 95, 99, 99])
        try write(store, "S4", .pm25, from: start, [5, 5, 6, 40, 40])
        // Two sensors reading as low as S4: were they neighbours, S4 would not be "far below every neighbour".
        try write(store, "W1", .pm25, from: start, [4, 4, 4, 4, 4])
        try write(store, "W2", .pm25, from: start, [5, 5, 5, 5, 5])
        let registry = StationRegistry(stations: self.registry.stations + [
            Station(code: "W1", name: "微一", city: "测试", district: "甲区", isSensor: true),
            Station(code: "W2", name: "微二", city: "测试", district: "乙区", isSensor: true),
        ])
        let set = try rules("""
            {"id":"d","kind":"data","check":"drop","pollutant":"pm2.5","fraction":0.25,"hours":2,"minimum_neighbours":2,"severity":"info",\(message)}
            """)
        var state = AlertState()
        let events = Alerter(store: store, registry: registry, rules: set).evaluate(hours: Array(start ..< start.advanced(by: 5)), state: &state)
        #expect(Set(events.map { "\($0.ruleID) \(zone.hourOfDay($0.hour))h \($0.kind.rawValue) \($0.subject.key)" }) == [
            "d 1h opened S4", "d 3h closed S4",
            // Each sensor against the city's standard stations only: S4 (5, then 40 from 3h) is one of
            // them, so the sensors are far below every neighbour at 3h and 4h: opened at 4h.
            "d 4h opened W1", "d 4h opened W2",
        ])
    }
}
