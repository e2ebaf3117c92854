import Foundation

/// The independent reference (`Tests/Scripts/reference.py`, RULES.md), each
/// mode called once per test run and its output shared by the tests; and
/// the agreement it measured with CNEMC's own rows (`Tests/Scripts/results/`).
enum Reference {
    static func run(_ arguments: [String]) async -> [String: Any] {
        do {
            return try await Processes.python("reference.py", arguments) as? [String: Any] ?? [:]
        } catch {
            return ["error": "\(error)"]
        }
    }

    static let beijingStationList = TestPaths.beijingStations.joined(separator: ",")

    /// `hourly-aqi` of Beijing's 12 stations, every station-hour of the 59 files.
    static let beijingHourly = Once { await run(["hourly-aqi", "--data", TestPaths.cnemc, "--stations", beijingStationList]) }

    /// `daily-stats` of Beijing's 12 stations, every station-day (hour labels 1–24).
    static let beijingDaily = Once { await run(["daily-stats", "--data", TestPaths.cnemc, "--stations", beijingStationList]) }

    /// `all-units` of Beijing's districts and of the city, per month (with daily values).
    static let beijingUnits = Once { () async -> [String: [String: Any]] in
        var out: [String: [String: Any]] = [:]
        for month in ["2019-01", "2019-02"] {
            out["district " + month] = await run(["all-units", "--data", TestPaths.cnemc, "--registry", TestPaths.stations,
                                            "--level", "district", "--city", "北京", "--month", month])
            out["city " + month] = await run(["all-units", "--data", TestPaths.cnemc, "--registry", TestPaths.stations,
                                        "--level", "city", "--city", "北京", "--month", month])
        }
        return out
    }

    /// `all-units` of every city of the national list, January 2019 (no daily values).
    static let nationalCities = Once { await run(["all-units", "--data", TestPaths.cnemc, "--registry", TestPaths.stations,
                                                     "--level", "city", "--month", "2019-01", "--no-daily"]) }

    /// A `rank --indicator` of Beijing's districts.
    static func beijingRank(_ indicator: String, month: String) async -> [String: Any] {
        await run(["rank", "--data", TestPaths.cnemc, "--registry", TestPaths.stations, "--indicator", indicator,
             "--level", "district", "--city", "北京", "--month", month])
    }

    /// What `compare-hourly` measured over the 59 files (82 s to recompute, so
    /// recorded): the reference's hourly AQI and moving PM means against
    /// CNEMC's AQI and PMx_24h rows, by class of disagreement.
    nonisolated(unsafe) static let compareHourly: [String: Any] = recorded("compare_hourly.json")

    /// What `compare-snapshot` measured over the two cnemc-hourly files.
    nonisolated(unsafe) static let compareSnapshot: [String: Any] = recorded("compare_snapshot.json")

    static func recorded(_ name: String) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: TestPaths.scripts + "/results/" + name) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// A JSON number or null as an optional Double.
    static func number(_ value: Any?) -> Double? {
        guard let value, !(value is NSNull) else { return nil }
        return (value as? NSNumber)?.doubleValue
    }

    static func int(_ value: Any?) -> Int? { number(value).map { Int($0.rounded()) } }
}
