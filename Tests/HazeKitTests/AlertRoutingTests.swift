import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import Synchronization
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeAlerts
@testable import HazeCLI

/// Routes, zones, silences, quiet hours, coverage rules and digests on
/// hand-made data, where every expected report is known by hand.
@Suite("Alerts: routes, zones, silences, quiet hours, coverage and digests by hand", .onTestThreads)
struct AlertRoutingTests {
    static let zone = LocalZone.beijing
    static let registry = StationRegistry(stations: [
        Station(code: "A1", name: "甲一", city: "甲市", district: "东区"),
        Station(code: "A2", name: "甲二", city: "甲市", district: "西区"),
        Station(code: "A3", name: "甲三", city: "甲市", district: "西区"),
        Station(code: "B1", name: "乙一", city: "乙市", district: ""),
    ])

    static let rules: RuleSet = {
        let air = """
            {"campaign":"air","rules":[
             {"id":"high","kind":"threshold","pollutant":"pm2.5","hours":1,"scope":"station","cooldown_hours":24,
              "levels":[{"threshold":100,"severity":"warning"},{"threshold":200,"severity":"critical"}],
              "message":{"zh":"{name} {value}","en":"{name} {value}"}},
             {"id":"city-high","kind":"threshold","pollutant":"pm2.5","hours":1,"scope":"city","threshold":100,"severity":"warning",
              "cooldown_hours":24,"message":{"zh":"{name} {value}","en":"{name} {value}"}}]}
            """
        let health = """
            {"campaign":"health","rules":[
             {"id":"coverage","kind":"coverage","scope":"city","minimum_percent":60,"hours":2,"severity":"warning","cooldown_hours":24,
              "message":{"zh":"{name} {reporting}/{stations} {percent}%","en":"{name}: {reporting} of {stations} ({percent} %)"}}]}
            """
        let a = (try? RuleSet.parse(data: Array(air.utf8), file: "air.json")) ?? RuleSet(rules: [])
        let b = (try? RuleSet.parse(data: Array(health.utf8), file: "health.json")) ?? RuleSet(rules: [])
        return RuleSet(rules: a.rules + b.rules)
    }()

    static func hour(_ date: String, _ h: Int) -> Hour { zone.hour(day: Day(CivilDate(parsing: date)!), hourOfDay: h) }

    /// A store with PM2.5 values per station from `start`, hour by hour.
    static func store(_ values: [String: [Int?]], from start: Hour) throws -> String {
        let directory = TestPaths.temporaryDirectory("haze-routing")
        let store = try Store(directory: directory, access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 24 * 30, dailyCapacity: 60))
        for (code, list) in values.sorted(by: { $0.key < $1.key }) {
            let id = try store.resolve([SeriesKey(station: code, pollutant: .pm25)])[0]
            _ = try store.write(list.enumerated().compactMap { i, v in v.map { StoredReading(series: id, hour: start.advanced(by: i), value: $0) } })
        }
        return directory
    }

    /// A receiver that keeps what it is sent (one message per outbox).
    final class Recorder: AlertReceiver, Sendable {
        let id: String
        let kind = "test"
        let pacing: ReceiverPacing
        let got = Mutex<[String]>([])
        init(_ id: String, windows: [ReceiverPacing.Window] = []) {
            self.id = id
            self.pacing = ReceiverPacing(windows: windows, attempts: 1)
        }
        func nextMessage(_ lines: ArraySlice<String>) -> AlertMessage {
            AlertMessage(covered: lines.count, shown: lines.count, folded: 0, payload: lines.joined(separator: "\n"))
        }
        func post(_ message: AlertMessage, now: Date) -> DeliveryAnswer {
            got.withLock { $0 += message.payload.split(separator: "\n").map(String.init) }
            return .accepted
        }
        /// `rule/subject` of what it got.
        var reports: [String] {
            got.withLock { $0 }.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).map { "\($0["rule"]!)/\($0["subject"]!)" }
            }.sorted()
        }
    }

    static let routesText = """
        {"zones": {"园区": ["A2"]},
         "receivers": [
          {"id": "city", "kind": "webhook", "url": "http://127.0.0.1:9/city"},
          {"id": "park", "kind": "webhook", "url": "http://127.0.0.1:9/park"},
          {"id": "crit", "kind": "webhook", "url": "http://127.0.0.1:9/crit"},
          {"id": "west", "kind": "webhook", "url": "http://127.0.0.1:9/west"},
          {"id": "night", "kind": "webhook", "url": "http://127.0.0.1:9/night", "quiet_hours": {"from": "22:00", "to": "07:00"}}],
         "routes": [
          {"match": {"city": "甲", "scope": "city"}, "receivers": ["city"]},
          {"match": {"zone": "园区"}, "receivers": ["park", "crit"]},
          {"match": {"severity": "critical"}, "receivers": ["crit"]},
          {"match": {"district": "西区", "rule": "high"}, "receivers": ["west"]},
          {"match": {"campaign": "air"}, "receivers": ["night"]}]}
        """

    static func run(_ directory: String, at: Hour, receivers: [Recorder], routing: AlertRouting) throws -> AlertRunResult {
        let run = AlertRun(storeDirectory: directory, registry: registry, rules: rules, clock: .fixed(at.advanced(by: 1)))
        return try run.perform(AlertRun.Options(at: at, receivers: receivers, routing: routing))
    }

    static func log(_ directory: String) -> [[String: Any]] {
        ((try? String(contentsOfFile: directory + "/alerts/alerts.ndjson", encoding: .utf8)) ?? "").split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test("routes send each report to the receivers whose match accepts it (city, scope, zone, severity, district, rule, campaign); a silence holds it back from all; quiet hours hold non-critical reports back from one receiver; everything logged and marked")
    func routesSilencesQuietHours() throws {
        let t = Self.hour("2019-03-01", 22)
        let t2 = Self.hour("2019-03-02", 8)
        let directory = try Self.store(["A1": [150], "A2": [250], "B1": [120]], from: t)
        do {
            let store = try Store(directory: directory, access: .readWrite)
            let id = try store.resolve([SeriesKey(station: "A3", pollutant: .pm25)])[0]
            _ = try store.write([StoredReading(series: id, hour: t2, value: 150)])
        }
        let routes = try AlertRoutes.parse(Array(Self.routesText.utf8), file: "routes.json", rules: Self.rules, registry: Self.registry)
        #expect(routes.routes[0].match.values[.city] == ["甲市"], "a city is stored in the registry's spelling")
        let silence = AlertSilence(id: "site", match: try {
            var match = ReportMatch()
            let vocabulary = ReportMatch.Vocabulary(rules: Self.rules, registry: Self.registry, zones: routes.zones)
            try match.add(.city, ["乙市"], vocabulary: vocabulary) { .invalid(file: "t", item: nil, field: "city", reason: $0) }
            return match
        }(), from: nil, until: t.advanced(by: 1))
        let recorders = ["city", "park", "crit", "west", "night"].map { Recorder($0) }
        let result = try Self.run(directory, at: t, receivers: recorders, routing: routes.routing(silences: [silence]))
        let got = Dictionary(uniqueKeysWithValues: recorders.map { ($0.id, $0.reports) })
        #expect(result.events.count == 5, "high A1 A2 B1, city-high 甲市 乙市: \(result.events.map(\.ruleID))")
        #expect(got["city"] == ["city-high/甲市"])
        #expect(got["park"] == ["high/A2"])
        #expect(got["crit"] == ["high/A2"], "critical once, though two routes name it")
        #expect(got["west"] == ["high/A2"])
        #expect(got["night"] == ["high/A2"], "22:00 is quiet: only the critical report")
        #expect(result.silenced == 2 && result.quiet == 2, "乙市 silenced (B1, the city); A1 and 甲市 quiet for night")
        let marks = Dictionary(uniqueKeysWithValues: Self.log(directory).map { ("\($0["rule"]!)/\($0["subject"]!)", $0) })
        #expect(marks["high/B1"]?["silenced"] as? String == "site" && (marks["high/B1"]?["routed"] as? [String]) == [])
        #expect(marks["city-high/乙市"]?["silenced"] as? String == "site")
        #expect(marks["high/A1"]?["quiet"] as? [String] == ["night"] && (marks["high/A1"]?["routed"] as? [String]) == [])
        #expect(Set(marks["high/A2"]?["routed"] as? [String] ?? []) == ["park", "crit", "west", "night"])
        #expect(marks["city-high/甲市"]?["quiet"] as? [String] == ["night"])
        // 08:00 next day: no longer quiet, the silence over.
        let morning = try Self.run(directory, at: t2, receivers: recorders, routing: routes.routing(silences: [silence]))
        #expect(morning.events.map { "\($0.ruleID)/\($0.subject.key)" } == ["high/A3"])
        #expect(recorders[4].reports == ["high/A2", "high/A3"] && recorders[3].reports == ["high/A2", "high/A3"])
        #expect(morning.silenced == 0 && morning.quiet == 0)
    }

    @Test("quiet hours: 22:00–07:00 wraps midnight, 07:00 itself is not quiet; the listed severities pass")
    func quietHoursByHand() {
        let quiet = QuietHours(from: 22, to: 7, except: [.critical])
        let day = Self.hour("2019-03-01", 0)
        let held = (0..<24).filter { quiet.holds(.warning, at: day.advanced(by: $0), zone: Self.zone) }
        #expect(held == [0, 1, 2, 3, 4, 5, 6, 22, 23])
        #expect(!quiet.holds(.critical, at: day.advanced(by: 23), zone: Self.zone))
        let lunch = QuietHours(from: 12, to: 14, except: [])
        #expect((0..<24).filter { lunch.holds(.critical, at: day.advanced(by: $0), zone: Self.zone) } == [12, 13])
        // In UTC the same instant is another hour of the day.
        #expect(!quiet.holds(.warning, at: day.advanced(by: 23), zone: .utc))
    }

    @Test("a routes file with a typo is refused naming the file, the item and the field, with a suggestion; secrets only from listed variables", arguments: [
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/"}], "routes": [{"match": {"city": "甲"}, "receivers": ["a"]}], "extra": 1}"#,
         "field 'extra': unknown field"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/"}], "routes": [{"match": {"cty": "甲市"}, "receivers": ["a"]}]}"#,
         "field 'match.cty': unknown field; did you mean 'city'?"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/"}], "routes": [{"match": {"city": "丙市"}, "receivers": ["a"]}]}"#,
         "'丙市' is not a city of the registry"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/"}], "routes": [{"match": {"rule": "hihg"}, "receivers": ["a"]}]}"#,
         "'hihg' is not a rule id of the rule files; did you mean 'high'?"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/"}], "routes": [{"match": {"zone": "园区"}, "receivers": ["a"]}]}"#,
         "'园区' is not a zone; define it under \"zones\""),
        (#"{"zones": {"z": ["X9"]}, "receivers": [], "routes": []}"#, "station 'X9' is not in the registry"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/"}], "routes": [{"receivers": ["b"]}]}"#,
         "no receiver is called 'b'"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/"}], "routes": []}"#, "receiver 'a': field 'id': no route names it"),
        (#"{"receivers": [{"id": "a", "kind": "wecom", "url": "http://h/?key=${KEY}"}], "routes": [{"receivers": ["a"]}]}"#,
         "uses ${KEY}, which the file does not list in \"environment\""),
        (#"{"receivers": [{"id": "a", "kind": "email", "url": "smtp://h/"}], "routes": [{"receivers": ["a"]}]}"#,
         "mail is not supported: FoundationNetworking's URLSession speaks HTTP, not SMTP"),
        (#"{"receivers": [{"id": "a", "kind": "wecom", "url": "http://h/", "mentioned_mobiles": ["13800001111"]}], "routes": [{"receivers": ["a"]}]}"#,
         "WeCom mentions by mobile only in text messages"),
        (#"{"receivers": [{"id": "a", "kind": "wecom", "url": "http://h/", "max_bytes": 5000}], "routes": [{"receivers": ["a"]}]}"#,
         "field 'max_bytes'"),
        (#"{"receivers": [{"id": "a", "kind": "dingtalk", "url": "http://h/", "per_minute": 30}], "routes": [{"receivers": ["a"]}]}"#,
         "field 'per_minute'"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/", "quiet_hours": {"from": "22:30", "to": "07:00"}}], "routes": [{"receivers": ["a"]}]}"#,
         "'22:30' is not a whole hour"),
        (#"{"receivers": [{"id": "../x", "kind": "webhook", "url": "http://h/"}], "routes": []}"#, "must be a plain name"),
        (#"{"receivers": [{"id": "a", "kind": "webhook", "url": "http://h/", "attempt_timeout_seconds": 0}], "routes": [{"receivers": ["a"]}]}"#,
         "field 'attempt_timeout_seconds'"),
        (#"{"receivers": [{"id": "a", "kind": "alertmanager", "url": "http://h/", "labels": {"bad-name": "x"}}], "routes": [{"receivers": ["a"]}]}"#,
         "'bad-name' is not a label name"),
    ])
    func refused(text: String, says: String) {
        do {
            _ = try AlertRoutes.parse(Array(text.utf8), file: "routes.json", rules: Self.rules, registry: Self.registry)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix("routes.json: ") && error.description.contains(says), "\(error.description)")
        }
    }

    @Test("secrets: a listed variable that is not set is named; only listed variables are read; disabled receivers need none")
    func secrets() throws {
        let text = #"""
            {"environment": ["KEY"], "receivers": [
              {"id": "a", "kind": "wecom", "url": "http://h/send?key=${KEY}"},
              {"id": "b", "kind": "dingtalk", "url": "http://h/robot/send?access_token=${KEY}", "secret": "${KEY}", "enabled": false}],
             "routes": [{"receivers": ["a", "b"]}]}
            """#
        let routes = try AlertRoutes.parse(Array(text.utf8), file: "routes.json", rules: Self.rules, registry: Self.registry)
        #expect(throws: ConfigurationError.invalid(file: "routes.json", item: "receiver 'a'", field: "url",
                                                   reason: "needs the environment variable KEY, which is not set")) {
            _ = try routes.makeReceivers(environment: ["HOME": "/root"])
        }
        let built = try routes.makeReceivers(environment: ["KEY": "k1"])
        #expect(built.map(\.id) == ["a"])
        #expect((built[0] as? ChatRobot)?.url.absoluteString == "http://h/send?key=k1")
    }

    @Test("coverage: fewer than 60 % of a city's stations reporting for 2 hours opens an episode; an hour when none report is left to the feed rules; enough stations close it")
    func coverageByHand() throws {
        let t = Self.hour("2019-03-01", 0)
        //            0    1    2    3    4    5
        let directory = try Self.store([
            "A1": [50, 50, 50, 50, nil, 50],
            "A2": [50, nil, nil, nil, nil, 50],
            "A3": [50, nil, nil, 50, nil, 50],
            "B1": [50, 50, 50, 50, 50, 50],
        ], from: t)
        var events: [String] = []
        for h in 0...5 {
            let run = AlertRun(storeDirectory: directory, registry: Self.registry, rules: Self.rules, clock: .fixed(t.advanced(by: h + 1)))
            events += try run.perform(AlertRun.Options(at: t.advanced(by: h))).events.filter { $0.ruleID == "coverage" }
                .map { "\(Self.zone.hourOfDay($0.hour)) \($0.kind.rawValue) \($0.subject.key) \($0.messages["en"] ?? "")" }
        }
        // 甲市: 1 of 3 at 1:00 and 2:00 → opened at 2:00 (2 hours); 2 of 3 (67 %) at 3:00 → not low → closed;
        // 乙市 always 1 of 1. Hour 4 (甲市 silent) changes nothing.
        #expect(events == ["2 opened 甲市 甲市: 1 of 3 (33 %)", "3 closed 甲市 [ended] 甲市: coverage since 2019-03-01T02:00+08:00, 1 h, peak 33"],
                "\(events)")
    }

    // MARK: Digests

    static func line(_ severity: String, _ message: String, pollutant: String? = "PM10", rule: String = "r") -> String {
        let facts: JSONValue = .object(pollutant.map { [("pollutant", .string($0))] } ?? [])
        return JSONValue.object([("time", .string("2019-02-28T23:00+08:00")), ("rule", .string(rule)), ("severity", .string(severity)),
                                 ("message_zh", .string(message)), ("message_en", .string(message)), ("facts", facts)]).serialized()
    }

    @Test("a digest: most severe first, within the limit, the rest folded by pollutant or rule with counts; a report too long on its own is cut; a tiny limit still sends the total")
    func digests() {
        let lines = (0..<40).map { i in Self.line(i % 10 == 0 ? "critical" : "warning", "站点\(i) PM10 超标 \(String(repeating: "很", count: 20))",
                                                  pollutant: i % 3 == 0 ? nil : "PM10", rule: "dust") }
        let digest = AlertDigest(style: .init(keyword: "空气质量", link: "https://x/y"), maxReports: 30)
        let message = digest.message(lines[...]) { $0.utf8.count <= 1200 }
        #expect(message.covered == 30 && message.shown + message.folded == 30 && message.shown > 0 && message.folded > 0)
        #expect(message.payload.utf8.count <= 1200)
        let rows = message.payload.split(separator: "\n").map(String.init)
        #expect(rows[0].hasPrefix("【空气质量】haze 空气质量告警 2019-02-28 23:00：30 条（严重 3，警告 27）"), "\(rows[0])")
        #expect(rows[1].hasPrefix("[严重] 站点0 ") && rows[2].hasPrefix("[严重] 站点10 ") && rows[3].hasPrefix("[严重] 站点20 "))
        let fold = rows.first { $0.hasPrefix("另有") } ?? ""
        let counted = fold.dropFirst(2).split(separator: "、").map { Int($0.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) ?? 0 }
        #expect(counted.reduce(0, +) == message.folded && fold.contains("条 PM10 告警") && fold.contains("条 dust 告警"), "\(fold)")
        #expect(rows.last == "详见：https://x/y")
        // One report longer than the limit: shown cut with "…".
        let long = Self.line("critical", String(repeating: "长", count: 2000))
        let cut = digest.message([long][...]) { $0.utf8.count <= 400 }
        #expect(cut.shown == 1 && cut.payload.utf8.count <= 400 && cut.payload.hasSuffix("…"))
        // A limit too small for anything but the total.
        let tiny = digest.message(lines[...]) { $0.utf8.count <= 140 }
        #expect(tiny.payload.utf8.count <= 140 && tiny.covered == 30)
        // Markdown shows names, never runs them.
        let hostile = Self.line("warning", "站<font color=\"red\">[点](http://evil)</font>*x*")
        let markdown = AlertDigest(style: .init(markdown: true), maxReports: 5).message([hostile][...]) { _ in true }
        #expect(!markdown.payload.contains("<font") && !markdown.payload.contains("](http") && !markdown.payload.contains("*x*"), "\(markdown.payload)")
    }

    @Test("a chat robot measures as its API counts: WeCom the content's UTF-8 bytes, DingTalk and Feishu the whole body")
    func robotLimits() throws {
        let lines = (0..<200).map { Self.line("warning", "站点\($0) \(String(repeating: "超标", count: 30))") }
        let url = try #require(URL(string: "http://h/send"))
        for (vendor, limit) in [(ChatRobot.Vendor.wecom, 4096), (.dingtalk, 20_000), (.feishu, 20_000)] {
            let robot = ChatRobot(id: "r", vendor: vendor, url: url, secret: vendor == .wecom ? nil : "s", reportsPerMessage: 200)
            let message = robot.nextMessage(lines[...])
            let measured = vendor == .wecom ? message.payload.utf8.count : robot.body(message.payload, now: Date()).count
            #expect(measured <= limit && measured > limit * 3 / 4, "\(vendor): \(measured) of \(limit)")
            #expect(message.covered == 200 && message.folded > 0)
        }
    }

    @Test("a damaged delivery ledger is never trusted: `haze check` names it, a run sets it aside and waits a whole quota window before sending, `check --repair` sets it aside; nothing is lost")
    func damagedLedger() throws {
        let t = Self.hour("2019-03-01", 10)
        let directory = try Self.store(["A1": [150, 250, 50], "B1": [120, 130, 20]], from: t)
        let recorder = Recorder("r", windows: [.init(count: 2, seconds: 60)])
        let routing = AlertRouting()
        func run(_ hour: Hour, clock: Double) throws -> AlertRunResult {
            let run = AlertRun(storeDirectory: directory, registry: Self.registry, rules: Self.rules,
                               clock: AlertClock { Date(timeIntervalSince1970: clock) })
            return try run.perform(AlertRun.Options(at: hour, receivers: [recorder], routing: routing))
        }
        let start = Double(t.index * 3600)
        _ = try run(t, clock: start + 600)
        let first = recorder.reports.count
        #expect(first > 0)
        let path = directory + "/alerts/delivery.json"
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[bytes.count - 5] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let check = AlertStateCheck(storeDirectory: directory).verify()
        #expect(check.problems.contains { $0.path == path && $0.reason.contains("checksum") }, "\(check.problems)")
        // Three hours after the last send: a trusted ledger would let it go at once.
        let damaged = try run(t.advanced(by: 1), clock: start + 3 * 3600)
        #expect(damaged.notes.contains { $0.contains("set aside as delivery.json.damaged-") }, "\(damaged.notes)")
        #expect(recorder.reports.count == first && damaged.deliveries.first?.kept ?? 0 > 0, "held back for a whole window")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/alerts").contains { $0.hasPrefix("delivery.json.damaged-") })
        let later = try run(t.advanced(by: 2), clock: start + 3 * 3600 + 61)
        #expect(later.deliveries.first?.kept == 0 && recorder.reports.count == Self.log(directory).count, "nothing lost")
        // check --repair sets a damaged ledger aside too.
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: path))
        let repaired = try AlertStateCheck(storeDirectory: directory).repair(store: nil, registry: nil, rules: nil)
        #expect(repaired.actions.contains { $0.contains("set the damaged") } && repaired.after.isHealthy, "\(repaired)")
    }

    @Test("the silences file beside the rules: hours in local time, at least one field, from before until; typos refused with the field")
    func silencesFile() throws {
        let directory = TestPaths.temporaryDirectory("haze-silences")
        let file = directory + "/silences.json"
        let vocabulary = ReportMatch.Vocabulary(rules: Self.rules, registry: Self.registry, zones: ZoneTable(["园区": ["A2"]]))
        try #"{"silences": [{"id": "site", "match": {"zone": "园区", "rule": "high"}, "from": "2019-03-01T08:00", "until": "2019-03-15T00:00", "reason": "施工"}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let silences = try SilenceBook.loadFile(file, vocabulary: vocabulary, zone: Self.zone)
        #expect(silences.count == 1 && silences[0].from == Self.hour("2019-03-01", 8) && silences[0].until == Self.hour("2019-03-15", 0))
        let a2 = ReportFields(campaign: "air", rule: "high", kind: "threshold", severity: .critical, event: "opened", level: "critical",
                              scope: "station", subject: "A2", city: "甲市", district: "西区", zones: ["园区"], hour: Self.hour("2019-03-02", 3))
        #expect(silences[0].covers(a2))
        var early = a2
        early.hour = Self.hour("2019-03-01", 7)
        var other = a2
        other.zones = []
        #expect(!silences[0].covers(early) && !silences[0].covers(other))
        for (text, says) in [
            (#"{"silences": [{"id": "x", "until": "2019-03-15T00:00"}]}"#, "a silence of everything"),
            (#"{"silences": [{"id": "x", "match": {"city": "甲市"}, "from": "2019-03-15T00:00", "until": "2019-03-15T00:00"}]}"#, "is not before until"),
            (#"{"silences": [{"id": "x", "match": {"city": "甲市"}}]}"#, "field 'until': is required"),
            (#"{"silences": [{"id": "x", "match": {"distrct": "西区"}, "until": "2019-03-15T00:00"}]}"#, "did you mean 'district'?"),
            (#"{"silences": [{"id": "x", "match": {"city": "甲市"}, "until": "2019-03-15T00:30"}]}"#, "field 'until'"),
        ] {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(throws: ConfigurationError.self) { try SilenceBook.loadFile(file, vocabulary: vocabulary, zone: Self.zone) }
            do { _ = try SilenceBook.loadFile(file, vocabulary: vocabulary, zone: Self.zone) } catch {
                #expect(error.description.contains(says), "\(error.description)")
            }
        }
        #expect(RuleSet.otherFiles.contains("silences.json") && RuleSet.otherFiles.contains("routes.json"), "neither is read as a rule file")
    }

    /// Why there is no `email` receiver: FoundationNetworking's URLSession hands
    /// only http(s) (and ftp) to libcurl; an smtp:// URL is refused before any
    /// connection. Mail would need libcurl's own API (a system-library target)
    /// or an SMTP client written here — not done.
    @Test("URLSession on Linux refuses smtp:// URLs (unsupported URL), so haze has no email receiver")
    func noSMTPThroughURLSession() async throws {
        let code = await OffPool.run { () -> Int in
            let done = DispatchSemaphore(value: 0)
            let result = Mutex(0)
            var request = URLRequest(url: URL(string: "smtp://127.0.0.1:9/")!)
            request.httpMethod = "POST"
            request.httpBody = Data("Subject: x\r\n\r\nbody".utf8)
            URLSession(configuration: .ephemeral).dataTask(with: request) { _, _, error in
                result.withLock { $0 = (error as NSError?)?.code ?? 0 }
                done.signal()
            }.resume()
            _ = done.wait(timeout: .now() + 10)
            return result.withLock { $0 }
        }
        #expect(code == NSURLErrorUnsupportedURL)
    }

    @Test("answers in an HTTP 200: errcode / code 0 is a delivery; quota codes block (DingTalk 10 minutes); -1 is retried; anything else, or an answer that is not the robot's, is a failure")
    func robotAnswers() throws {
        let url = try #require(URL(string: "http://h/"))
        let wecom = ChatRobot(id: "w", vendor: .wecom, url: url)
        let dingtalk = ChatRobot(id: "d", vendor: .dingtalk, url: url)
        let feishu = ChatRobot(id: "f", vendor: .feishu, url: url)
        func body(_ text: String) -> Data { Data(text.utf8) }
        #expect(wecom.judge(body(#"{"errcode":0,"errmsg":"ok"}"#)) == .accepted)
        #expect(wecom.judge(body(#"{"errcode":45009,"errmsg":"api freq out of limit"}"#)) == .throttled(seconds: 60, detail: "errcode 45009: api freq out of limit"))
        #expect(wecom.judge(body(#"{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}"#))
                == .failed(retryable: false, detail: "errcode 40058: markdown.content exceed max length 4096"))
        #expect(wecom.judge(body(#"{"errcode":-1,"errmsg":"system busy"}"#)) == .failed(retryable: true, detail: "errcode -1: system busy (system busy)"))
        #expect(wecom.judge(body("ok")) == .failed(retryable: false, detail: "the answer is not a wecom robot's JSON: ok"))
        #expect(wecom.judge(body("{}")) == .failed(retryable: false, detail: "the answer has no errcode: {}"))
        #expect(dingtalk.judge(body(#"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#))
                == .throttled(seconds: 600, detail: "errcode 130101: send too fast, exceed 20 times per minute"))
        #expect(dingtalk.judge(body(#"{"errcode":410100,"errmsg":"发送速度太快而限流"}"#)) == .throttled(seconds: 600, detail: "errcode 410100: 发送速度太快而限流"))
        #expect(dingtalk.judge(body(#"{"errcode":310000,"errmsg":"keywords not in content"}"#))
                == .failed(retryable: false, detail: "errcode 310000: keywords not in content"))
        #expect(feishu.judge(body(#"{"code":0,"msg":"success","data":{}}"#)) == .accepted)
        #expect(feishu.judge(body(#"{"StatusCode":0,"StatusMessage":"success"}"#)) == .accepted)
        #expect(feishu.judge(body(#"{"code":19021,"msg":"sign match fail"}"#)) == .failed(retryable: false, detail: "code 19021: sign match fail"))
        #expect(feishu.judge(body(#"{"code":11232,"msg":"frequency limited"}"#)) == .throttled(seconds: 60, detail: "code 11232: frequency limited"))
        #expect(feishu.judge(body(#"{"code":"0"}"#)) == .failed(retryable: false, detail: #"the answer has no code: {"code":"0"}"#))
        #expect(Webhook.judge(body("ok")) == .accepted && Webhook.judge(body(#"{"code":0}"#)) == .accepted)
        #expect(Webhook.judge(body(#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)) == .failed(retryable: false, detail: "errcode 93000: invalid webhook url"))
    }


    // MARK: Gaps the review found

    @Test("max_characters counts UTF-16 code units (a CJK character one, an emoji two), not bytes, scalars or characters; a robot's digest stays within it")
    func charactersInUTF16() throws {
        let limits = MessageLimits(maxBytes: 4096, maxCharacters: 4, counted: .content)
        #expect(limits.allow("中文😀"), "2 + 2 units, though 10 UTF-8 bytes")
        #expect(!limits.allow("中文😀a"), "5 units")
        #expect(limits.allow("中文中文") && !limits.allow("中文中文中"), "a CJK character is one unit (3 bytes)")
        #expect(!limits.allow("😀😀😀"), "3 characters and 3 scalars, but 6 UTF-16 units")
        #expect(!limits.allow("👨‍👩‍👧"), "one character, 5 scalars, 8 units")
        #expect(!MessageLimits(maxBytes: 9, maxCharacters: 100, counted: .content).allow("中文😀"), "the byte limit still holds")
        // Through the routes file: a WeCom robot whose content may hold 300 units.
        let text = #"{"receivers": [{"id": "w", "kind": "wecom", "url": "http://h/send", "max_characters": 300}], "routes": [{"receivers": ["w"]}]}"#
        let routes = try AlertRoutes.parse(Array(text.utf8), file: "routes.json", rules: Self.rules, registry: Self.registry)
        let robot = try #require(try routes.makeReceivers(environment: [:]).first as? ChatRobot)
        let lines = (0..<50).map { Self.line("warning", "站点\($0) 😷 PM10 超标 🚧🚧") }
        let message = robot.nextMessage(lines[...])
        let content = message.payload
        #expect(content.utf16.count <= 300 && content.utf16.count > 200, "\(content.utf16.count) units")
        #expect(content.unicodeScalars.count < content.utf16.count && content.contains("😷"), "emoji are in the measured text")
        #expect(message.covered == 50 && message.shown > 0 && message.shown + message.folded == 50)
    }

    @Test("Alertmanager: an opening report fires until firingHours later; an escalation fires the new severity and resolves the lower ones at its hour; a closing report sets endsAt to its hour")
    func alertmanagerTimes() throws {
        let t = Self.hour("2019-03-01", 10)
        let directory = try Self.store(["A1": [150, 250, 50]], from: t)
        let recorder = Recorder("am")
        for h in 0...2 { _ = try Self.run(directory, at: t.advanced(by: h), receivers: [recorder], routing: AlertRouting()) }
        let lines = recorder.got.withLock { $0 }.filter { $0.contains(#""subject":"A1""#) && $0.contains(#""rule":"high""#) }
        #expect(lines.count == 3, "\(lines)")
        let receiver = AlertmanagerReceiver(id: "am", url: try #require(URL(string: "http://h:9093/")), firingHours: 26)
        #expect(receiver.endpoint.absoluteString == "http://h:9093/api/v2/alerts")
        func alerts(_ line: String) -> [(severity: String, starts: String, ends: String)] {
            receiver.postable(line).map { alert in
                (alert["labels"]?["severity"]?.stringValue ?? "", alert["startsAt"]?.stringValue ?? "", alert["endsAt"]?.stringValue ?? "")
            }
        }
        let start = "2019-03-01T10:00:00+08:00"
        let opened = alerts(lines[0])
        #expect(opened.count == 1 && opened[0] == ("warning", start, "2019-03-02T12:00:00+08:00"), "10:00 + 26 h: \(opened)")
        let escalated = alerts(lines[1])
        #expect(escalated.map(\.severity) == ["critical", "info", "warning"], "\(escalated)")
        #expect(escalated[0] == ("critical", start, "2019-03-02T13:00:00+08:00"))
        #expect(escalated.dropFirst().allSatisfy { $0.starts == start && $0.ends == "2019-03-01T11:00:00+08:00" }, "resolved at the escalation's hour")
        let closed = alerts(lines[2])
        #expect(closed.count == 1 && closed[0].ends == "2019-03-01T12:00:00+08:00" && closed[0].starts == start, "\(closed)")
        #expect(closed[0].ends >= closed[0].starts)
        // The label sets: the same alert (all labels but severity equal) for every report of the episode.
        let labels = lines.flatMap { receiver.postable($0) }.map { alert in
            (alert["labels"]?.objectFields ?? []).filter { $0.0 != "severity" }.map { "\($0.0)=\($0.1.stringValue ?? "")" }.sorted()
        }
        #expect(Set(labels).count == 1 && labels[0].contains("alertname=high") && labels[0].contains("subject=A1"), "\(labels)")
    }

    @Test("data health through the routes: a coverage report of the shipped station-health rules reaches the receiver of the route with campaign station-health, and not the air receiver")
    func stationHealthRoute() throws {
        let health = try RuleSet.parse(data: Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.root + "/alerts/station-health.json"))),
                                       file: "station-health.json")
        let rules = RuleSet(rules: Self.rules.rules.filter { $0.campaign == "air" } + health.rules)
        let t = Self.hour("2019-03-01", 0)
        //                    0     1    2    3
        let directory = try Self.store([
            "A1": [50, 50, 50, 50],
            "A2": [50, nil, nil, nil],
            "A3": [50, nil, nil, nil],
            "B1": [150, 50, 50, 50],
        ], from: t)
        let text = """
            {"receivers": [{"id": "duty", "kind": "webhook", "url": "http://127.0.0.1:9/duty"},
                           {"id": "health", "kind": "webhook", "url": "http://127.0.0.1:9/health"}],
             "routes": [{"match": {"campaign": "station-health"}, "receivers": ["health"]},
                        {"match": {"campaign": "air"}, "receivers": ["duty"]}]}
            """
        let routes = try AlertRoutes.parse(Array(text.utf8), file: "routes.json", rules: rules, registry: Self.registry)
        let duty = Recorder("duty")
        let healthDesk = Recorder("health")
        for h in 0...3 {
            let run = AlertRun(storeDirectory: directory, registry: Self.registry, rules: rules, clock: .fixed(t.advanced(by: h + 1)))
            _ = try run.perform(AlertRun.Options(at: t.advanced(by: h), receivers: [duty, healthDesk], routing: routes.routing(silences: [])))
        }
        let healthRules = Set(health.rules.map(\.id))
        // 甲市: 1 of 3 stations (33 % < 50 %) at 1:00, 2:00, 3:00 → coverage-low-city opens at 3:00 (3 hours).
        #expect(healthDesk.reports.contains("coverage-low-city/甲市"), "\(healthDesk.reports)")
        #expect(healthDesk.reports.allSatisfy { healthRules.contains(String($0.split(separator: "/")[0])) }, "\(healthDesk.reports)")
        // B1 (乙市's only station) above 100 at 0:00 only: opened, then closed at 1:00.
        #expect(duty.reports == ["city-high/乙市", "city-high/乙市", "high/B1", "high/B1"], "\(duty.reports)")
        let coverage = Self.log(directory).first { $0["rule"] as? String == "coverage-low-city" }
        #expect(coverage?["campaign"] as? String == "station-health" && coverage?["routed"] as? [String] == ["health"])
        #expect((coverage?["time"] as? String)?.hasPrefix("2019-03-01T03:00") == true, "\(String(describing: coverage))")
    }

    @Test("Alertmanager answering 400, 500 or 429: the reports stay in the outbox, the error is in the delivery log, and a later run delivers each once, in order")
    func alertmanagerRefusals() async throws {
        let t = Self.hour("2019-03-01", 10)
        let directory = try Self.store(["A1": [150, 250, 50, 120], "B1": [120, 130, 20, 20]], from: t)
        let server = try LoopbackServer()
        let clock = VirtualClock(Double(t.index * 3600) + 3900, server: server)
        let text = #"{"receivers": [{"id": "am", "kind": "alertmanager", "url": "\#(server.base)", "deadline_seconds": 60}], "routes": [{"receivers": ["am"]}]}"#
        let routes = try AlertRoutes.parse(Array(text.utf8), file: "routes.json", rules: Self.rules, registry: Self.registry)
        let receivers = try routes.makeReceivers(environment: [:])
        let alertClock = clock.clock
        func run(_ hour: Hour) async throws -> AlertRunResult {
            try await OffPool.run {
                let run = AlertRun(storeDirectory: directory, registry: Self.registry, rules: Self.rules, clock: alertClock)
                return try run.perform(AlertRun.Options(at: hour, receivers: receivers, routing: routes.routing(silences: []), deliveryWait: 60))
            }
        }
        func kept() throws -> Int { try AlertJournal(storeDirectory: directory).loadState().outbox["am"]?.count ?? 0 }
        /// `status: error` of the delivery log's refusals.
        func failures() -> [String] {
            AlertDeliveryTests.objects(directory + "/alerts/deliveries.ndjson").filter { ["failed", "throttled"].contains($0["status"] as? String) }
                .map { "\($0["status"]!): \($0["error"] ?? "")" }
        }
        var logged = 0
        for (h, mode, says) in [(0, "reject400", "failed: http://127.0.0.1:\(server.port)/api/v2/alerts: HTTP 400: bad request: rejected by the test"),
                                (1, "fail500", "failed: http://127.0.0.1:\(server.port)/api/v2/alerts: HTTP 500"),
                                (2, "throttle429", "throttled: http://127.0.0.1:\(server.port)/api/v2/alerts: HTTP 429 Too Many Requests")] {
            try server.setMode(mode)
            let result = try await run(t.advanced(by: h))
            logged += result.events.count
            let am = try #require(result.deliveries.first { $0.receiver == "am" })
            let error = String(says.drop { $0 != " " }.dropFirst())
            #expect(am.sent == 0 && am.kept == logged && (am.error ?? "").hasPrefix(error), "\(mode): \(am)")
            #expect(try kept() == logged && logged > 0)
            #expect(failures().last?.hasPrefix(says) == true, "\(mode): \(failures())")
            clock.advance(3600)
        }
        #expect(server.received.isEmpty, "nothing was accepted")
        let refusedOnce = AlertDeliveryTests.objects(server.root + "/.robot").filter { $0["status"] as? Int == 400 }.count
        #expect(refusedOnce == 1, "a 400 is not retried within the run")
        try server.setMode("ok")
        let recovered = try await run(t.advanced(by: 3))
        logged += recovered.events.count
        #expect(recovered.deliveries.first?.kept == 0 && recovered.deliveries.first?.error == nil, "\(recovered.deliveries)")
        #expect(AlertDeliveryTests.deliveredKeys(directory, "am") == AlertDeliveryTests.logKeys(directory, receiver: "am"), "each once, in order")
        let alerts = server.received.flatMap { body in
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? []
        }
        let reports = AlertDeliveryTests.logKeys(directory, receiver: "am")
        #expect(reports.count == logged)
        #expect(alerts.compactMap { ($0["annotations"] as? [String: Any])?["episode"] as? String }.count >= reports.count)
    }
}
