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

/// Every number from outside — option values, JSON numbers of configuration,
/// rule and OpenAQ files, CSV cells — passes one checked conversion
/// (`ExternalNumber`): refused with the field and the allowed range, never a trap.
@Suite("Numbers from outside", .onTestThreads)
struct ExternalNumberTests {
    static let intMaxDigits = String(Int.max)
    static let beyondIntMax = "9223372036854775808"
    static let hugeDigits = String(repeating: "9", count: 400)

    @Test("whole numbers: digits in range pass; fractions, words, non-finite and beyond-Int values are refused by kind")
    func wholeNumbersFromText() {
        func problem(_ text: String, _ range: ClosedRange<Int> = 0...23) -> ExternalNumber.Refusal.Problem? {
            if case .failure(let refusal) = ExternalNumber.wholeNumber(text, in: range) { return refusal.problem }
            return nil
        }
        #expect(ExternalNumber.wholeNumber("23", in: 0...23) == .success(23))
        #expect(ExternalNumber.wholeNumber("-14", in: -14...14) == .success(-14))
        #expect(ExternalNumber.wholeNumber("+8", in: -14...14) == .success(8))
        #expect(ExternalNumber.wholeNumber("1e4", in: 0...20_000) == .success(10_000), "an exactly whole decimal is whole")
        #expect(ExternalNumber.wholeNumber("-0", in: 0...1) == .success(0))
        #expect(ExternalNumber.wholeNumber("-0.0", in: 0...1) == .success(0), "negative zero is zero")
        #expect(ExternalNumber.wholeNumber(Self.intMaxDigits, in: Int.min...Int.max) == .success(Int.max))
        #expect(problem("24") == .outOfRange)
        #expect(problem(Self.beyondIntMax, Int.min...Int.max) == .outOfRange)
        #expect(problem("-9223372036854775809", Int.min...Int.max) == .outOfRange)
        #expect(problem(Self.hugeDigits, Int.min...Int.max) == .outOfRange)
        #expect(problem("1e300", Int.min...Int.max) == .outOfRange, "a whole double beyond Int")
        #expect(problem("2.5") == .notWhole)
        for text in ["nan", "NaN", "inf", "-Infinity", "1e999", "-1e999"] { #expect(problem(text) == .notFinite, "\(text)") }
        for text in ["", "abc", "12abc", " 5", "5 ", "0x10", "++5", "1_000", "٣"] { #expect(problem(text) == .notANumber, "\(text)") }
    }

    @Test("decimals: finite and in range pass; NaN, ±∞, 1e999, hexadecimal and words are refused")
    func decimalsFromText() {
        #expect(ExternalNumber.decimal("2.5", in: 0...86_400) == .success(2.5))
        #expect(ExternalNumber.decimal("-0", in: 0...1) == .success(0))
        #expect(ExternalNumber.decimal(".5", in: 0...1) == .success(0.5))
        #expect(ExternalNumber.decimal("1e-400", in: 0...1) == .success(0), "underflow is zero, and in range")
        let refused: [(String, ExternalNumber.Refusal.Problem)] = [
            ("86400.5", .outOfRange), ("-1", .outOfRange), ("1e300", .outOfRange), (Self.hugeDigits, .notFinite),
            ("1e999", .notFinite), ("nan", .notFinite), ("inf", .notFinite), ("-inf", .notFinite),
            ("0x1p3", .notANumber), ("1e", .notANumber), (".", .notANumber), ("", .notANumber), ("1,5", .notANumber),
        ]
        for (text, problem) in refused {
            guard case .failure(let refusal) = ExternalNumber.decimal(text, in: 0...86_400) else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(refusal.problem == problem, "\(text)")
            #expect(refusal.expected == "a number in 0…86400")
        }
    }

    @Test("doubles (JSON numbers, parsed values): every bound and special value is refused or converted exactly")
    func doubles() {
        let specials: [Double] = [.nan, -.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                  1e300, -1e300, Double(Int.max), Double(Int.min), 9_223_372_036_854_774_784, .ulpOfOne, -0.0]
        for value in specials {
            // Any range, any value: a result in range or a refusal, never a trap.
            for range in [Int.min...Int.max, 0...10_000, -14...14] {
                if case .success(let n) = ExternalNumber.wholeNumber(value, in: range) { #expect(range.contains(n)) }
                if case .success(let n) = ExternalNumber.rounded(value, in: range) { #expect(range.contains(n)) }
            }
            if case .success(let d) = ExternalNumber.decimal(value, in: -1e308...1e308) { #expect(d.isFinite) }
            _ = GBT8170.roundToInteger(value)
            _ = GBT8170.format(value, decimals: 3)
            _ = ExternalNumber.show(value)
        }
        #expect(ExternalNumber.wholeNumber(9_223_372_036_854_774_784, in: Int.min...Int.max) == .success(9_223_372_036_854_774_784))
        #expect((try? ExternalNumber.wholeNumber(Double(Int.max), in: Int.min...Int.max).get()) == nil, "2^63 is beyond Int")
        #expect(ExternalNumber.rounded(2.5, in: 0...10) == .success(2), "half to even (GB/T 8170)")
        #expect(ExternalNumber.rounded(10_000.5, in: 0...10_000) == .success(10_000))
        #expect((try? ExternalNumber.rounded(10_001.5, in: 0...10_000).get()) == nil)
        #expect(ExternalNumber.decimal(-0.0, in: 0...1).map { $0.sign } == .success(.plus), "negative zero becomes zero")
        #expect(ExternalNumber.show(1e300) == "1e+300" && ExternalNumber.show(.nan) == "nan" && ExternalNumber.show(12) == "12")
    }

    @Test("a concentration: 0…10000 µg/m³ rounded half to even; negatives, NaN, ±∞ and 1e300 are refused with a reason")
    func concentrations() {
        #expect(ExternalNumber.concentration(7.5) == .success(8))
        #expect(ExternalNumber.concentration(-0.0) == .success(0))
        #expect(ExternalNumber.concentration(10_000) == .success(10_000))
        func reason(_ value: Double) -> String? {
            if case .failure(let refusal) = ExternalNumber.concentration(value) { return refusal.expected }
            return nil
        }
        #expect(reason(1e300) == "1e+300 µg/m³ is above the 0–10000 µg/m³ range")
        #expect(reason(10_000.6) == "10000.6 µg/m³ is above the 0–10000 µg/m³ range")
        #expect(reason(-0.4) == "negative concentration")
        #expect(reason(.infinity) == "inf is not a finite concentration")
        #expect(reason(.nan) == "nan is not a finite concentration")
    }

    @Test("GB/T 8170 formatting and rounding are total: no value and no count of decimals traps")
    func roundingIsTotal() {
        #expect(GBT8170.format(.infinity, decimals: 2) == "inf")
        #expect(GBT8170.format(1e300, decimals: 6) == "1e+300")
        #expect(GBT8170.format(-0.004, decimals: 2) == "0.00")
        #expect(GBT8170.format(2.345, decimals: 40) == "2.345000000", "at most 9 decimals")
        #expect(GBT8170.format(2.5, decimals: -3) == "2")
        #expect(GBT8170.roundToInteger(1e300) == Int.max && GBT8170.roundToInteger(-.infinity) == Int.min)
        #expect(GBT8170.roundToInteger(.nan) == 0)
        #expect(JSONValue.decimal(1e300, places: 6).serialized() == "1e+300")
    }

    @Test("JSON numbers: 1e999 and beyond-Int values are kept for the field's own check, not a whole-document failure")
    func jsonNumbers() throws {
        let value = try JSONValue.parse(Array(#"{"a": 1e999, "b": -1e999, "c": 123456789012345678901234567890, "d": -0, "e": 2.0, "f": 0.1e-400}"#.utf8))
        #expect(value["a"] == .decimal(.infinity, places: 6) && value["b"] == .decimal(-.infinity, places: 6))
        #expect(value["c"]?.numberValue == 1.2345678901234568e29)
        #expect(value["d"] == .int(0) && value["e"] == .int(2) && value["f"] == .int(0))
        for text in [#"{"v": NaN}"#, #"{"v": Infinity}"#, #"{"v": 01}"#, #"{"v": 1.}"#, #"{"v": .5}"#, #"{"v": +1}"#, #"{"v": 1e}"#,
                     #"{"v": 1, "v": 2}"#, #"{"v": "\ud800"}"#, "[" + String(repeating: "[", count: 300) + "]"] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSONValue.parse(Array(text.utf8)) }
        }
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONValue.parse(Array("{\n  \"a\": [1, 2,\n}".utf8)) }
        #expect(failure.line == 3 && failure.description.hasPrefix("line 3, column 1:"))
    }

    @Test("configuration numbers: 1e300, beyond Int, -0 and booleans are refused naming the file, source and field with the range")
    func configurationNumbers() throws {
        let path = TestPaths.temporaryDirectory("haze-numbers-config") + "/haze.json"
        func load(_ field: String) -> String {
            let json = #"{"sources":[{"id":"s","url":"http://x/{yyyyMMdd}","format":"cnemc-wide",\#(field)}]}"#
            try? json.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try PullConfiguration.load(path: path)
                return "loaded"
            } catch {
                return error.description
            }
        }
        #expect(load(#""concurrency": 1e300"#) == "\(path): source 's': field 'concurrency': must be a whole number in 1…16 (not 1e+300)")
        #expect(load(#""concurrency": 99999999999999999999"#).contains("field 'concurrency': must be a whole number in 1…16"))
        #expect(load(#""concurrency": 1e999"#).contains("field 'concurrency': must be a whole number in 1…16 (not inf)"))
        #expect(load(#""settle_days": -1"#).contains("field 'settle_days': must be a whole number in 0…365 (not -1)"))
        #expect(load(#""settle_days": 2.5"#).contains("field 'settle_days': must be a whole number in 0…365 (not 2.5)"))
        #expect(load(#""deadline_seconds": true"#).contains("field 'deadline_seconds': must be a number in 1…3600 (not true)"))
        #expect(load(#""settle_days": -0"#) == "loaded", "negative zero is zero")
        #expect(load(#""window_hours": 8760"#) == "loaded")
    }

    @Test("rule numbers: 1e300 hours, beyond-Int cooldowns and hour lists are refused naming the rule and field")
    func ruleNumbers() {
        let rule = #"{"id":"r1","kind":"threshold","pollutant":"pm2.5","hours":3,"scope":"station","threshold":115,"cooldown_hours":6,"message":{"zh":"{name}","en":"{name}"}}"#
        func error(_ rule: String) -> String {
            do {
                _ = try RuleSet.parse(data: Array(#"{"campaign":"c","rules":[\#(rule)]}"#.utf8), file: "alerts/x.json")
                return "loaded"
            } catch {
                return error.description
            }
        }
        #expect(error(rule) == "loaded")
        #expect(error(rule.replacingOccurrences(of: #""hours":3"#, with: #""hours":1e300"#)) == "alerts/x.json: rule 'r1': field 'hours': must be a whole number in 1…72 (not 1e+300)")
        #expect(error(rule.replacingOccurrences(of: #""cooldown_hours":6"#, with: #""cooldown_hours":\#(Self.beyondIntMax)"#)).contains("field 'cooldown_hours': must be a whole number"))
        #expect(error(rule.replacingOccurrences(of: #""threshold":115"#, with: #""threshold":1e999"#)).contains("field 'threshold': must be a number in 0…10000"))
    }

    @Test("alert state numbers beyond an hour or a level (Int.min, -1) are refused as damage with the field, not trapped on")
    func alertStateNumbers() throws {
        let store = TestPaths.temporaryDirectory("haze-numbers-state") + "/store"
        try FileManager.default.copyItem(atPath: BoundsStore.directory, toPath: store)
        let episode = #"{"rule":"pm25-hourly-high","subject":"1001A","since":1000,"level":0,"reportedLevel":0,"lastReported":1000,"facts":{}}"#
        let cases: [(String, String)] = [
            (episode.replacingOccurrences(of: #""since":1000"#, with: #""since":-9223372036854775808"#), "episode pm25-hourly-high/1001A has hours or levels no episode can have"),
            (episode.replacingOccurrences(of: #""lastReported":1000"#, with: #""lastReported":9223372036854775807"#), "episode pm25-hourly-high/1001A has hours or levels no episode can have"),
            (episode.replacingOccurrences(of: #""level":0"#, with: #""level":-1"#), "episode pm25-hourly-high/1001A has hours or levels no episode can have"),
        ]
        for (open, problem) in cases {
            try #"{"version":1,"lastEvaluated":429000,"open":[\#(open)],"pending":[],"outbox":[]}"#
                .write(toFile: store + "/alerts/state.json", atomically: true, encoding: .utf8)
            let run = InProcess(["alert", "--store", store, "--stations", TestPaths.stations, "--city", "北京", "--dry-run"])
            #expect(run.status == 65 && run.stderr.contains("inconsistent: \(problem)"), "\(run.stderr)")
        }
    }

    // MARK: OpenAQ

    static let openAQRegistry = StationRegistry(stations: [Station(code: "OAQ-1", name: "s", city: "c")])

    static func openAQPage(_ values: [String], from hour: Int = 12) -> String {
        let results = values.enumerated().map { i, value in
            #"{"period":{"interval":"01:00:00","datetimeFrom":{"utc":"2023-10-16T\#(CivilDate.pad(hour + i, 2)):00:00Z"}},"value":\#(value),"parameter":{"name":"pm25","units":"µg/m³"}}"#
        }
        return #"{"meta":{"limit":1000},"results":[\#(results.joined(separator: ","))]}"#
    }

    @Test("an OpenAQ page with 1e300, 1e999, -1, a string and -0 refuses those rows one by one and keeps the rest")
    func openAQRows() {
        let page = Self.openAQPage(["6", "1e300", "1e999", "-1", "\"12\"", "-0", "10000.4", "10000.6"])
        let context = ParseContext(source: "p.json", zone: .beijing, latestHour: Hour.now, registry: Self.openAQRegistry,
                                   unknownStations: .quarantine)
        let batch = OpenAQParser(station: "OAQ-1").parse(Array(page.utf8), context: context).batch
        #expect(batch.readings.map(\.value) == [6, 0, 10_000])
        #expect(batch.readings.map(\.line) == [1, 6, 7])
        #expect(batch.rejections.map(\.line) == [2, 3, 4, 5, 8])
        #expect(batch.rejections.map(\.reason) == [
            "1e+300 µg/m³ is above the 0–10000 µg/m³ range", "inf is not a finite concentration", "negative concentration",
            "not a number", "10000.6 µg/m³ is above the 0–10000 µg/m³ range",
        ])
        #expect(batch.valuesRead == 8)
    }

    @Test("a pulled OpenAQ page with \"value\": 1e300 is refused row by row into the quarantine, and the source advances")
    func openAQPullAdvances() throws {
        let root = TestPaths.temporaryDirectory("haze-numbers-openaq")
        try FileManager.default.createDirectory(atPath: root + "/v3/sensors/7", withIntermediateDirectories: true)
        try Self.openAQPage(["6", "1e300", "8"]).write(toFile: root + "/v3/sensors/7/hours@page=1", atomically: true, encoding: .utf8)
        let server = try LoopbackServer(serving: root)
        let stations = TestPaths.temporaryDirectory("haze-numbers-stations")
        try "code,name,city,district,longitude,latitude,control\nOAQ-1,s,c,,,,0\n"
            .write(toFile: stations + "/openaq.csv", atomically: true, encoding: .utf8)
        let config = TestPaths.temporaryDirectory("haze-numbers-pull") + "/haze.json"
        try """
        {"sources":[{"id":"openaq","format":"openaq-v3","start":"2023-10-16","deadline_seconds":5,
          "url":"\(server.base)/v3/sensors/{sensor}/hours?datetime_from={from}&datetime_to={to}&limit=1000&page={page}",
          "sensors":{"7":"OAQ-1"}}]}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = TestPaths.temporaryDirectory("haze-numbers-pull-store")
        let arguments = ["pull", "--config", config, "--store", store, "--stations", stations, "--until", "2023-10-16"]
        let run = InProcess(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 fetched") && run.stdout.contains("stored 2") && run.stdout.contains("quarantined 1"), "\(run.stdout)")
        #expect(run.stdout.contains("sensors through 7: 2023-10-16T23:00:00Z"), "the cursor moved past the page: \(run.stdout)")
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: store + "/quarantine")
            .compactMap { try? String(contentsOfFile: store + "/quarantine/" + $0, encoding: .utf8) }.joined()
        #expect(quarantine.contains("1e+300 µg/m³ is above the 0–10000 µg/m³ range"), "\(quarantine)")
        let opened = try Store(directory: store, access: .readOnly)
        let id = try #require(opened.index(of: SeriesKey(station: "OAQ-1", pollutant: .pm25)))
        // Labelled by the hour each period ends: 12:00–13:00Z is 13:00Z.
        let first = Hour(CivilDate(year: 2023, month: 10, day: 16)!.dayNumber * 24 + 13)
        #expect((0..<3).map { opened.value(id, at: first.advanced(by: $0)) } == [6, nil, 8])
        // The next run starts after the cursor: the refused page is not fetched again and again.
        let requests = server.requests.count
        let again = InProcess(arguments)
        #expect(again.status == 0 && again.stdout.contains("0 fetched"), "\(again.stdout)")
        #expect(server.requests.count == requests)
    }

    // MARK: Options

    /// Values no numeric option may accept, whatever its range.
    static let hostileNumbers = ["abc", "", "nan", "inf", "-inf", "1e999", Self.hugeDigits, Self.beyondIntMax,
                                 "-9223372036854775809", "1e300", "0x10", " 5", "1_0"]

    @Test("every numeric option of every command refuses out-of-range and non-numbers: exit 64 naming the option and its range, store unchanged")
    func everyNumericOption() {
        var checked = 0
        for command in HazeCLI.commands {
            for option in command.spec.options {
                let values: [String]
                switch option.form {
                case .wholeNumber(let range)?:
                    values = Self.hostileNumbers + ["2.5"] + [range.lowerBound.subtractingReportingOverflow(1), range.upperBound.addingReportingOverflow(1)]
                        .filter { !$0.overflow }.map { String($0.partialValue) }
                case .decimal(let range)?:
                    values = Self.hostileNumbers + [ExternalNumber.show(range.lowerBound - 1), ExternalNumber.show(range.upperBound + 0.5)]
                default:
                    continue
                }
                for value in values {
                    let (run, changed) = BoundsStore.run([command.spec.name, option.name, value])
                    #expect(run.status == 64, "\(command.spec.name) \(option.name) '\(value)': \(run.stderr)")
                    #expect(run.stderr.contains("\(option.name): '") && run.stderr.contains("\(option.name) accepts \(option.form?.expected ?? "")"),
                            "\(command.spec.name) \(option.name) '\(value)': \(run.stderr)")
                    #expect(changed.isEmpty, "\(command.spec.name) \(option.name) '\(value)' changed \(changed)")
                    checked += 1
                }
                // Both ends of the range are accepted by the option check.
                if case .wholeNumber(let range)? = option.form {
                    for end in [range.lowerBound, range.upperBound] {
                        #expect(throws: Never.self) { try command.spec.parse(Self.required(command.spec.name) + [option.name, String(end)]) }
                    }
                }
            }
        }
        #expect(checked > 150, "every numeric option was tried (\(checked) runs)")
    }

    /// Options a command needs besides the one under test (rules between options).
    static func required(_ command: String) -> [String] {
        switch command {
        case "alert": ["--webhook", "http://127.0.0.1:9/"]
        case "check": ["--repair"]
        case "stations": ["--boundaries", "x.geojson", "--property", "name"]
        case "rank": ["--indicator", "pm2.5"]   // --top and --bottom belong to a ranking by one indicator
        default: []
        }
    }

    @Test("the ranges: init --utc-offset 99 / --hours / --days, --decimals, --wait, --webhook-deadline")
    func namedRanges() {
        let cases: [([String], String)] = [
            (["init", "--utc-offset", "99"], "--utc-offset: '99' is out of range; --utc-offset accepts a whole number in -14…14"),
            (["init", "--utc-offset", "-15"], "--utc-offset accepts a whole number in -14…14"),
            (["init", "--hours", "1e300"], "--hours: '1e300' is out of range; --hours accepts a whole number in 48…1000000"),
            (["init", "--days", "3"], "--days accepts a whole number in 4…100000"),
            (["init", "--hours", "100000"], "haze init: --hours 100000 needs --days of at least 4168"),
            (["query", "--city", "北京", "--decimals", "7"], "--decimals: '7' is out of range; --decimals accepts a whole number in 0…6"),
            (["ingest", "--wait", "nan", "x.csv"], "--wait: 'nan' is not a finite number; --wait accepts a number in 0…86400"),
            (["alert", "--webhook", "http://127.0.0.1:9/", "--webhook-deadline", "0"], "--webhook-deadline accepts a whole number in 1…600"),
            (["rebuild", "--wait", "-1"], "--wait: '-1' is out of range"),
        ]
        for (arguments, message) in cases {
            let (run, changed) = BoundsStore.run(arguments)
            #expect(run.status == 64 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(changed.isEmpty, "\(arguments) changed \(changed)")
        }
        // A refused init creates nothing.
        let fresh = TestPaths.temporaryDirectory("haze-numbers-init") + "/store"
        let refused = InProcess(["init", "--store", fresh, "--utc-offset", "99"])
        #expect(refused.status == 64 && !FileManager.default.fileExists(atPath: fresh))
        let created = InProcess(["init", "--store", fresh, "--utc-offset", "-14", "--hours", "48", "--days", "4"])
        #expect(created.status == 0 && created.stdout.contains("UTC-14:00"), "\(created.stderr)")
    }

    @Test("composite weights: non-finite, outside (0, 1], repeated or not summing to 1 are refused (64); sums within 1e-9 pass")
    func compositeWeights() throws {
        let refused: [(String, String)] = [
            ("pm2.5=inf", "the weight of pm2.5, 'inf', is not a finite number"),
            ("pm2.5=nan,pm10=0.5", "the weight of pm2.5, 'nan', is not a finite number"),
            ("pm2.5=1e999", "the weight of pm2.5, '1e999', is not a finite number"),
            ("pm2.5=0,pm10=1", "the weight of pm2.5 must be above 0"),
            ("pm2.5=-0.5,pm10=1.5", "the weight of pm2.5, '-0.5', is out of range"),
            ("pm2.5=1.5", "the weight of pm2.5, '1.5', is out of range"),
            ("pm2.5=0.5,pm10=0.4", "the weights sum to 0.9, not 1"),
            ("pm2.5=0.5,pm10=0.25", "the weights sum to 0.75, not 1"),
            ("pm2.5=0.5,pm2.5=0.5", "pm2.5 is given twice"),
            ("so2=1", "'so2' is not pm2.5 or pm10 (the weighted score is of PM means; the six-pollutant composite index is --indicator composite)"),
            ("pm2.5", "'pm2.5' is not pollutant=weight"),
            ("pm2.5=0.6,", "'' is not pollutant=weight"),
        ]
        for (weights, reason) in refused {
            #expect(CompositeWeights(parsing: weights) == nil, "\(weights)")
            let (run, changed) = BoundsStore.run(["rank", "--month", "2019-01", "--city", "北京", "--composite", weights])
            #expect(run.status == 64, "\(weights): \(run.stderr)")
            #expect(run.stderr.contains("--composite: '\(weights)' is refused: \(reason); --composite accepts"), "\(weights): \(run.stderr)")
            #expect(changed.isEmpty)
        }
        #expect(CompositeWeights(parsing: "pm2.5=0.1,pm10=0.9")?.weights.map(\.weight) == [0.1, 0.9])
        #expect(CompositeWeights(parsing: "pm2.5=1") != nil)
        #expect(CompositeWeights(parsing: "pm2.5=0.6000000001,pm10=0.4") != nil, "within 1e-9 of 1")
        let parsed = try RankCommand.spec.parse(["--month", "2019-01", "--composite", "pm2.5=0.6,pm10=0.4"])
        #expect(try RankCommand.request(parsed).weights == CompositeWeights(parsing: "pm2.5=0.6,pm10=0.4"))
    }

    @Test("haze-bench refuses --repeat -1 and 1e999 with exit 64 instead of trapping")
    func benchRepeat() async throws {
        let bench = (TestPaths.haze as NSString).deletingLastPathComponent + "/haze-bench"
        try #require(FileManager.default.isExecutableFile(atPath: bench), "haze-bench is built beside haze")
        for value in ["-1", "1e999", "0", Self.hugeDigits] {
            let run = try await Processes.run(bench, ["open", "--repeat", value])
            #expect(run.status == 64 && run.stderr.contains("--repeat:") && run.stderr.contains("1…1000"), "\(value): \(run.stderr)")
        }
    }
}
