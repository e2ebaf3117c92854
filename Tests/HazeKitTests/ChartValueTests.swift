import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeAssessment
@testable import HazeReport
@testable import HazeCLI

/// The charts' numbers, read back from the SVG's data attributes, against
/// `haze query` for the same subject and period, and their colours and
/// statistics against an independent computation (`Tests/Scripts/chart_ref.py`).
@Suite("Charts: values equal haze query", .onTestThreads, .serialized)
struct ChartValueTests {
    static func plot(_ arguments: [String]) throws -> String {
        let dir = TestPaths.temporaryDirectory("haze-plot")
        let run = InProcess(["plot"] + arguments + ["--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                                                    "--out", dir + "/c.svg"])
        guard run.status == 0 else { throw QueryError.noData("plot \(arguments): \(run.stderr)") }
        return try String(contentsOfFile: dir + "/c.svg", encoding: .utf8)
    }

    /// `haze query --format csv` as time → value text (empty when invalid), per pollutant.
    static func query(_ arguments: [String]) throws -> [String: [String: String]] {
        let run = InProcess(["query", "--format", "csv", "--store", SharedStore.national.directory, "--stations", TestPaths.stations] + arguments)
        guard run.status == 0 else { throw QueryError.noData("query \(arguments): \(run.stderr)") }
        var result: [String: [String: String]] = [:]
        for line in run.stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            result[cells[2], default: [:]][cells[0]] = cells[3]
        }
        return result
    }

    static func reference(_ request: [String: Any]) async throws -> [String: Any] {
        let path = TestPaths.temporaryDirectory("haze-chart-ref") + "/request.json"
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: path))
        return try await Processes.python("chart_ref.py", [path]) as? [String: Any] ?? [:]
    }

    static let subjects: [[String]] = [["--station", "1001A"], ["--district", "朝阳区", "--city", "北京"], ["--city", "北京"]]

    @Test("time series: every slot's value equals haze query's (hour, day, month; station, district, city), invalid slots empty, the limit in force on each date",
          arguments: [("hour", "2019-01-10", "2019-01-16"), ("day", "2019-01-01", "2019-02-28"), ("month", "2019-01-01", "2019-02-28")])
    func timeSeries(resolution: String, from: String, to: String) throws {
        for subject in Self.subjects {
            let period = ["--from", from, "--to", to, "--resolution", resolution]
            let svg = try Self.plot(["timeseries"] + subject + period)
            let expected = try Self.query(subject + period)
            let series = SVGData.elements(svg, class: "series")
            #expect(series.count == 2, "\(subject): a panel per pollutant")
            var compared = 0, invalid = 0
            for panel in series {
                let pollutant = try #require(panel["data-pollutant"])
                let times = try #require(panel["data-times"]).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let values = try #require(panel["data-values"]).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(times.count == values.count && times.count == expected[pollutant]?.count, "\(subject) \(pollutant)")
                for (time, value) in zip(times, values) {
                    #expect(expected[pollutant]?[time] == value, "\(subject) \(pollutant) \(time): chart \(value), query \(expected[pollutant]?[time] ?? "none")")
                    compared += 1
                    if value.isEmpty { invalid += 1 }
                }
            }
            #expect(compared > 0)
            if resolution == "day" && subject == ["--station", "1001A"] { #expect(invalid >= 2, "1001A has invalid PM10 days in the period") }
            // The limit line: 75 / 150 µg/m³ on every 2019 date (GB 3095-2012), the annual 35 / 70 for monthly means.
            let limits = SVGData.elements(svg, class: "limit").compactMap { $0["data-limits"] }
            let want = resolution == "month" ? ["35", "70"] : ["75", "150"]
            #expect(limits.map { Set($0.split(separator: ",").map(String.init)) } == want.map { Set([$0]) })
        }
    }

    @Test("calendar: every day's value equals haze query's, and its colour is the HJ 633 category of the independent reference")
    func calendar() async throws {
        for subject in Self.subjects {
            for pollutant in ["pm2.5", "pm10"] {
                let period = ["--from", "2019-01-01", "--to", "2019-02-28"]
                let svg = try Self.plot(["calendar", "--pollutant", pollutant] + subject + period)
                let name = pollutant == "pm10" ? "PM10" : "PM2.5"
                let expected = try #require(try Self.query(subject + period + ["--pollutant", pollutant])[name])
                let cells = SVGData.elements(svg, class: "day")
                #expect(cells.count == 59)
                var request: [[String: Any]] = []
                for cell in cells {
                    let date = try #require(cell["data-date"]), value = try #require(cell["data-value"])
                    #expect(expected[date] == value, "\(subject) \(name) \(date): chart \(value), query \(expected[date] ?? "none")")
                    if let number = Int(value) { request.append(["date": date, "pollutant": name, "value": number]) }
                    #expect(value.isEmpty == (cell["data-category"] ?? "").isEmpty)
                }
                let categories = try #require(try await Self.reference(["calendar": request])["calendar"] as? [Int])
                let drawn = cells.compactMap { Int($0["data-category"] ?? "") }
                #expect(drawn == categories, "\(subject) \(name): categories")
                // Each category's cells are filled with its HJ 633 colour.
                for (category, colour) in [(1, "#00e400"), (2, "#ffff00"), (3, "#ff7e00"), (4, "#ff0000"), (5, "#99004c"), (6, "#7e0023")]
                    where drawn.contains(category) {
                    #expect(svg.contains("data-category=\"\(category)\"><rect") && svg.contains("fill=\"\(colour)\""))
                }
            }
        }
    }

    @Test("AQI band: each day's category equals the independent PM AQI of that day's query values, and the chart says the AQI is PM only")
    func aqiBand() async throws {
        let period = ["--from", "2019-01-01", "--to", "2019-01-31"]
        let svg = try Self.plot(["timeseries", "--city", "北京", "--aqi-band"] + period)
        let band = try #require(SVGData.elements(svg, class: "aqi-band").first?["data-categories"])
        let drawn = band.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        let values = try Self.query(["--city", "北京"] + period)
        let days = (1...31).map { String(format: "2019-01-%02d", $0) }
        let request = days.map { day -> [String: Any] in
            var entry: [String: Any] = ["date": day]
            if let v = Int(values["PM2.5"]?[day] ?? "") { entry["pm25"] = v }
            if let v = Int(values["PM10"]?[day] ?? "") { entry["pm10"] = v }
            return entry
        }
        let levels = try #require(try await Self.reference(["aqi": request])["aqi"] as? [Any])
        #expect(drawn == levels.map { $0 as? Int })
        #expect(svg.contains("仅由 PM2.5、PM10 日均值计算"))
    }

    @Test("diurnal and weekday profiles: mean and quartiles of every valid hour equal an independent computation from haze query's hourly values")
    func profiles() async throws {
        let subject = ["--district", "朝阳区", "--city", "北京"]
        let period = ["--from", "2019-01-01", "--to", "2019-01-31"]
        let run = InProcess(["query", "--format", "csv", "--decimals", "6", "--resolution", "hour", "--pollutant", "pm2.5",
                             "--store", SharedStore.national.directory, "--stations", TestPaths.stations] + subject + period)
        #expect(run.status == 0)
        var hourly: [[String: Any]] = []
        for line in run.stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if let value = Double(cells[3]) { hourly.append(["time": cells[0], "value": value]) }
        }
        for (kind, grouping) in [("diurnal", "hour"), ("weekday", "weekday")] {
            let svg = try Self.plot([kind, "--pollutant", "pm2.5"] + subject + period)
            let profile = try #require(SVGData.elements(svg, class: "profile").first)
            let reference = try #require(try await Self.reference(["profile": ["grouping": grouping, "values": hourly]])["profile"] as? [[String: Any]])
            let means = (profile["data-mean"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            let p25 = (profile["data-p25"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            let p75 = (profile["data-p75"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            let n = (profile["data-n"] ?? "").split(separator: ",").map { Int($0) }
            #expect(means.count == reference.count && means.count == (grouping == "hour" ? 24 : 7))
            for (i, want) in reference.enumerated() {
                #expect(n[i] == want["n"] as? Int, "\(kind) \(i): n")
                for (got, key) in [(means[i], "mean"), (p25[i], "p25"), (p75[i], "p75")] {
                    let expected = try #require(want[key] as? Double)
                    #expect(abs((got ?? -1) - expected) <= 0.05 + 1e-9, "\(kind) group \(i) \(key): chart \(got ?? -1), reference \(expected)")
                }
            }
        }
    }

    @Test("ratio: PM2.5/PM10 paired by station equals an independent computation from each station's query values")
    func ratio() async throws {
        let period = ["--from", "2019-01-01", "--to", "2019-01-31"]
        let svg = try Self.plot(["ratio", "--city", "北京"] + period)
        let series = try #require(SVGData.elements(svg, class: "series").first)
        let times = (series["data-times"] ?? "").split(separator: ",").map(String.init)
        let ratios = (series["data-ratios"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
        var stations: [[String: Any]] = []
        for code in TestPaths.beijingAssessmentStations {
            let values = try Self.query(["--station", code, "--decimals", "6"] + period)
            func map(_ name: String) -> [String: Any] { (values[name] ?? [:]).compactMapValues { Double($0) } }
            stations.append(["pm25": map("PM2.5"), "pm10": map("PM10")])
        }
        let reference = try #require(try await Self.reference(["ratio": ["stations": stations]])["ratio"] as? [String: Double])
        #expect(times.count == 31)
        for (time, ratio) in zip(times, ratios) {
            if let want = reference[time] {
                #expect(abs((ratio ?? -1) - want) <= 0.005 + 1e-9, "\(time): chart \(ratio ?? -1), reference \(want)")
            } else {
                #expect(ratio == nil, "\(time) has no pair")
            }
        }
    }

    @Test("the README's chart pictures are exactly what docs/charts/make.sh makes from the sample")
    func documentedPictures() throws {
        let script = try String(contentsOfFile: TestPaths.root + "/docs/charts/make.sh", encoding: .utf8)
        var compared = 0
        for line in script.split(separator: "\n") where line.hasPrefix("p ") {
            let words = line.dropFirst(2).split(separator: " ").map(String.init)
            let out = try #require(words.firstIndex(of: "--out"))
            let dir = TestPaths.temporaryDirectory("haze-docs")
            let run = InProcess(["plot"] + words[..<out] + ["--width", "800", "--out", dir + "/c.svg", "--store", SharedStore.national.directory,
                                                            "--stations", TestPaths.stations])
            #expect(run.status == 0, "\(line): \(run.stderr)")
            let made = FileManager.default.contents(atPath: dir + "/c.svg")
            #expect(made != nil && made == FileManager.default.contents(atPath: TestPaths.root + "/" + words[out + 1]),
                    "\(words[out + 1]) is out of date: run docs/charts/make.sh")
            compared += 1
        }
        #expect(compared == 8)
    }

    @Test("bump chart: every unit's monthly rank and validity equal haze rank's monthly rankings")
    func bump() throws {
        let svg = try Self.plot(["bump", "--city", "北京", "--from", "2019-01-01", "--to", "2019-02-28"])
        let units = SVGData.elements(svg, class: "unit")
        #expect(units.count >= 8)
        for (m, month) in ["2019-01", "2019-02"].enumerated() {
            let ranking = try RankingRealDataTests.haze(["--month", month, "--city", "北京", "--pollutant", "pm2.5"])
            let entries = (ranking["rankings"] as? [[String: Any]])?.first?["entries"] as? [[String: Any]] ?? []
            for unit in units {
                let name = unit["data-unit"] ?? ""
                let ranks = (unit["data-ranks"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
                let valid = (unit["data-valid"] ?? "").split(separator: ",").map { $0 == "1" }
                let entry = try #require(entries.first { $0["unit"] as? String == name }, "\(name) in \(month)")
                #expect(ranks[m] == entry["rank"] as? Int, "\(name) \(month) rank")
                #expect(valid[m] == entry["valid"] as? Bool, "\(name) \(month) valid")
            }
        }
    }
}

/// Reads elements' attributes back out of an SVG written by haze.
enum SVGData {
    /// The attributes of every element whose `class` is `name`.
    static func elements(_ svg: String, class name: String) -> [[String: String]] {
        var result: [[String: String]] = []
        var rest = svg[...]
        while let start = rest.range(of: "<") {
            guard let end = rest[start.upperBound...].range(of: ">") else { break }
            let tag = rest[start.upperBound ..< end.lowerBound]
            let attributes = parse(tag)
            if attributes["class"]?.split(separator: " ").contains(Substring(name)) == true { result.append(attributes) }
            rest = rest[end.upperBound...]
        }
        return result
    }

    static func parse(_ tag: Substring) -> [String: String] {
        var attributes: [String: String] = [:]
        var rest = tag.drop { $0 != " " }
        while let equals = rest.range(of: "=\"") {
            let name = rest[..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let close = rest[equals.upperBound...].range(of: "\"") else { break }
            attributes[name] = unescape(String(rest[equals.upperBound ..< close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return attributes
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
