import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore
@testable import HazeAlerts
@testable import HazeCLI

/// The command line of the delivery: `haze alert` with a routes file,
/// `--deliver-only`, `haze alert silence`, `haze alert log`, `haze alert ack`
/// and `haze status --format prometheus`, on the national sample and on
/// hand-made data (where each expected value is counted by hand).
@Suite("Alerts: haze alert silence, log, ack, --deliver-only and status --format prometheus on real data", .onTestThreads, .serialized)
struct AlertHistoryTests {
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func haze(_ arguments: [String], environment: [String: String] = [:]) async throws -> InProcess {
        await OffPool.run { InProcess(arguments, environment: environment) }
    }

    @Test("a silence set from the command line holds its reports back (logged, marked); --deliver-only sends what a failed run kept; `haze alert log` equals the NDJSON log (ndjson byte for byte, json and csv report by report, --city and dates filtered), with deliveries and acknowledgements beside it; acks are appended; the Prometheus metrics equal the state")
    func commandLine() async throws {
        let store = try AlertDeliveryTests.nationalCopy()
        let server = try LoopbackServer()
        let common = ["--store", store, "--stations", TestPaths.stations, "--rules", TestPaths.root + "/alerts"]
        let routes = TestPaths.temporaryDirectory("haze-routes") + "/routes.json"
        try """
            {"environment": ["ARCHIVE_TOKEN"],
             "receivers": [{"id": "archive", "kind": "webhook", "url": "\(server.base)/archive?token=${ARCHIVE_TOKEN}", "deadline_seconds": 30}],
             "routes": [{"receivers": ["archive"]}]}
            """.write(toFile: routes, atomically: true, encoding: .utf8)
        let environment = ["ARCHIVE_TOKEN": "secret-token-1"]

        // A silence for Beijing's hourly PM2.5 reports on 2019-02-28.
        let silence = try await Self.haze(["alert", "silence"] + common + ["--city", "北京", "--rule", "pm25-hourly-high",
                                          "--from", "2019-02-28T00:00", "--until", "2019-03-01T00:00", "--by", "张三", "--reason", "施工"])
        #expect(silence.status == 0 && silence.stdout.contains("silence s1: rule=pm25-hourly-high city=北京"), "\(silence.stderr)")
        let typo = try await Self.haze(["alert", "silence"] + common + ["--city", "北惊", "--from", "2019-02-28T00:00", "--until", "2019-03-01T00:00", "--by", "张三"])
        #expect(typo.status == 64 && typo.stderr.contains("'北惊' is not a city of the registry"), "\(typo.stderr)")
        let everything = try await Self.haze(["alert", "silence"] + common + ["--from", "2019-02-28T00:00", "--until", "2019-03-01T00:00", "--by", "张三"])
        #expect(everything.status == 64 && everything.stderr.contains("a silence of everything"))

        // 22:00 with the receiver down: kept; --deliver-only once it is back; then 23:00.
        try server.setMode("fail500")
        let down = try await Self.haze(["alert", "--at", "2019-02-28T22:00+08:00", "--routes", routes] + common, environment: environment)
        #expect(down.status <= 2 && down.stderr.contains("HTTP 500") && down.stderr.contains("report(s) kept for the next run"), "\(down.stderr)")
        #expect(down.stderr.contains("held back by silences"), "\(down.stderr)")
        #expect(!down.stderr.contains("secret-token-1"), "the URL's token is never printed")
        let log22 = try String(contentsOfFile: store + "/alerts/alerts.ndjson", encoding: .utf8)
        try server.setMode("ok")
        let deliver = try await Self.haze(["alert", "--deliver-only", "--routes", routes] + common, environment: environment)
        #expect(deliver.status == 0 && deliver.stdout.isEmpty, "\(deliver.stderr)")
        #expect(try String(contentsOfFile: store + "/alerts/alerts.ndjson", encoding: .utf8) == log22, "--deliver-only evaluates nothing")
        #expect(try AlertJournal(storeDirectory: store).loadState().outboxCount == 0)
        let up = try await Self.haze(["alert", "--at", "2019-02-28T23:00+08:00", "--routes", routes] + common, environment: environment)
        #expect(up.status <= 2 && !up.stderr.contains("kept for the next run"), "\(up.stderr)")

        let logText = try String(contentsOfFile: store + "/alerts/alerts.ndjson", encoding: .utf8)
        let log = Self.objects(logText)
        let silenced = log.filter { $0["silenced"] != nil }
        #expect(!silenced.isEmpty && silenced.allSatisfy { $0["city"] as? String == "北京" && $0["rule"] as? String == "pm25-hourly-high" && $0["silenced"] as? String == "s1" })
        #expect(log.filter { $0["city"] as? String == "北京" && $0["rule"] as? String == "pm25-hourly-high" }.count == silenced.count)
        // What the receiver got: every report but the silenced ones, once.
        let received = server.received.flatMap { body -> [[String: Any]] in
            ((try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
        }
        func key(_ report: [String: Any]) -> String { "\(report["episode"]!)|\(report["event"]!)|\(report["time"]!)" }
        #expect(received.map(key).sorted() == log.filter { $0["silenced"] == nil }.map(key).sorted())

        // haze alert log: ndjson is the log.
        let all = try await Self.haze(["alert", "log", "--store", store, "--format", "ndjson"])
        #expect(all.status == 0 && all.stdout == logText)
        // json, filtered by city and date: the same reports as an independent filter of the log.
        let beijing = try await Self.haze(["alert", "log", "--store", store, "--stations", TestPaths.stations, "--city", "北京",
                                           "--from", "2019-02-28", "--to", "2019-02-28", "--format", "json"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(beijing.stdout.utf8)) as? [[String: Any]])
        let expected = log.filter { $0["city"] as? String == "北京" && ($0["time"] as? String ?? "").hasPrefix("2019-02-28") }
        #expect(items.count == expected.count && !expected.isEmpty)
        for (item, report) in zip(items, expected) {
            #expect((item["report"] as? NSDictionary) == (report as NSDictionary))
            let delivered = (item["delivered"] as? [[String: Any]])?.compactMap { $0["receiver"] as? String } ?? []
            #expect(delivered == (report["silenced"] == nil ? ["archive"] : []), "\(report["episode"]!)")
        }
        let nextDay = try await Self.haze(["alert", "log", "--store", store, "--from", "2019-03-01", "--format", "json"])
        #expect(nextDay.stdout == "[\n]\n")
        // csv: one row per report, the report's own fields first.
        let csv = try await Self.haze(["alert", "log", "--store", store, "--format", "csv", "--rule", "city-pm10-rolling-24h"])
        let rows = csv.stdout.split(separator: "\n").map(String.init)
        let rolling = log.filter { $0["rule"] as? String == "city-pm10-rolling-24h" }
        #expect(rows.count == rolling.count + 1 && rows[0].hasPrefix("time,event,severity,rule,subject,name,city,district,level,episode,routed,delivered"))
        for (row, report) in zip(rows.dropFirst(), rolling) {
            #expect(row.hasPrefix("\(report["time"]!),\(report["event"]!),\(report["severity"]!),city-pm10-rolling-24h,\(report["subject"]!),"))
        }
        let table = try await Self.haze(["alert", "log", "--store", store, "--city", "北京"])
        #expect(table.stdout.contains("silence s1") && table.stdout.contains("archive 20"), "\(table.stdout.prefix(600))")

        // Acknowledgements: appended, shown beside the report; an unknown episode is refused with a suggestion.
        let episode = try #require(expected.first?["episode"] as? String)
        let first = try await Self.haze(["alert", "ack", episode, "--store", store, "--by", "李四", "--note", "已通知西城区"])
        #expect(first.status == 0 && first.stdout.contains("acknowledged \(episode) by 李四"), "\(first.stderr)")
        let acks = store + "/alerts/acks.ndjson"
        let once = try String(contentsOfFile: acks, encoding: .utf8)
        let second = try await Self.haze(["alert", "ack", episode, "--store", store, "--by", "王五"])
        #expect(second.status == 0)
        let twice = try String(contentsOfFile: acks, encoding: .utf8)
        #expect(twice.hasPrefix(once) && twice.split(separator: "\n").count == 2, "appended, never rewritten")
        let unknown = try await Self.haze(["alert", "ack", String(episode.dropLast(2)) + "09:00", "--store", store, "--by", "李四"])
        #expect(unknown.status == 64 && unknown.stderr.contains("did you mean"), "\(unknown.stderr)")
        let acked = try await Self.haze(["alert", "log", "--store", store, "--city", "北京", "--format", "json"])
        let ackedItems = try #require(try JSONSerialization.jsonObject(with: Data(acked.stdout.utf8)) as? [[String: Any]])
        let withAcks = ackedItems.filter { (($0["report"] as? [String: Any])?["episode"] as? String) == episode }
        #expect(withAcks.allSatisfy { (($0["acknowledged"] as? [[String: Any]]) ?? []).compactMap { $0["by"] as? String } == ["李四", "王五"] })

        // The book of silences: listed with --all, ended with --expire (an appended line).
        let list = try await Self.haze(["alert", "silence", "--list", "--all", "--store", store])
        #expect(list.stdout.contains("s1  ") && list.stdout.contains("by 张三: 施工"), "\(list.stdout)")
        let expire = try await Self.haze(["alert", "silence", "--expire", "s1", "--by", "张三", "--store", store])
        let book = try String(contentsOfFile: store + "/alerts/silences.ndjson", encoding: .utf8)
        #expect(expire.status == 0 && book.split(separator: "\n").count == 2)

        // Metrics: open episodes by severity — the state's episodes at their current level, the
        // level's severity read from the rule files here — outbox, last delivery.
        var severities: [String: [String]] = [:]
        for name in ["air-pollution.json", "three-scatters.json", "station-health.json"] {
            let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestPaths.root + "/alerts/" + name))) as? [String: Any])
            for rule in file["rules"] as? [[String: Any]] ?? [] {
                let levels = (rule["levels"] as? [[String: Any]])?.compactMap { $0["severity"] as? String }
                severities[rule["id"] as? String ?? ""] = levels ?? [rule["severity"] as? String ?? "warning"]
            }
        }
        let stateText = try String(contentsOfFile: store + "/alerts/state.json", encoding: .utf8)
        let stateBody = try #require(Self.objects(stateText).last)
        var open: [String: String] = [:]
        for episode in stateBody["open"] as? [[String: Any]] ?? [] {
            let levels = severities[episode["rule"] as? String ?? ""] ?? []
            let level = min(episode["level"] as? Int ?? 0, levels.count - 1)
            open["\(episode["rule"]!)/\(episode["subject"]!)"] = levels.isEmpty ? "unknown" : levels[level]
        }
        #expect(open.count > 500)
        let metrics = try await Self.haze(["status", "--store", store, "--format", "prometheus", "--rules", TestPaths.root + "/alerts"])
        #expect(metrics.status == 0)
        var values: [String: Double] = [:]
        for line in metrics.stdout.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            values[String(parts[0])] = Double(parts[1])
        }
        for severity in ["info", "warning", "critical"] {
            #expect(values["haze_alert_open_episodes{severity=\"\(severity)\"}"] == Double(open.values.filter { $0 == severity }.count), "\(severity)")
        }
        #expect(values["haze_alert_outbox_reports{receiver=\"archive\"}"] == 0)
        #expect((values["haze_alert_last_delivery_timestamp_seconds{receiver=\"archive\",kind=\"webhook\"}"] ?? 0) > 1_700_000_000)
        #expect(values["haze_newest_hour_timestamp_seconds"] == Double(AlertDeliveryTests.hour("2019-02-28", 23).index * 3600))
        #expect(values["haze_stations"] == 1605 && values["haze_alert_files_ok"] == 1)
        let textfile = TestPaths.temporaryDirectory("haze-textfile") + "/haze.prom"
        let written = try await Self.haze(["status", "--store", store, "--format", "prometheus", "--out", textfile])
        let exposition = try String(contentsOfFile: textfile, encoding: .utf8)
        #expect(written.status == 0 && exposition.contains("haze_alert_open_episodes{severity=\"warning\"}"))
    }


    @Test("on hand-made data: silences.json beside the rules and `haze alert silence --district` both hold their reports back (marked with their ids); `haze alert log` fills `closed` with the closing report's hour; haze_coverage_ratio equals the shares counted by hand")
    func handMadeCommandLine() async throws {
        let zone = LocalZone.beijing
        let t = zone.hour(day: Day(CivilDate(parsing: "2019-03-01")!), hourOfDay: 10)
        // 10:00 11:00 12:00; A1 东区, A2 and A3 西区 of 甲市; B1 the only station of 乙市.
        let store = try AlertRoutingTests.store(["A1": [150, 250, 50], "A2": [150, nil, nil], "A3": [nil, nil, 120], "B1": [120, 50, 50]], from: t)
        let stations = TestPaths.temporaryDirectory("haze-hand-stations")
        try """
            code,name,city,district,longitude,latitude,control
            A1,甲一,甲市,东区,116.1,39.1,0
            A2,甲二,甲市,西区,116.2,39.2,0
            A3,甲三,甲市,西区,116.3,39.3,0
            B1,乙一,乙市,,117.1,39.9,0

            """.write(toFile: stations + "/hand.csv", atomically: true, encoding: .utf8)
        let rules = TestPaths.temporaryDirectory("haze-hand-rules")
        try """
            {"campaign":"air","rules":[
             {"id":"high","kind":"threshold","pollutant":"pm2.5","hours":1,"scope":"station","cooldown_hours":24,
              "levels":[{"threshold":100,"severity":"warning"},{"threshold":200,"severity":"critical"}],
              "message":{"zh":"{name} {value}","en":"{name} {value}"}},
             {"id":"city-high","kind":"threshold","pollutant":"pm2.5","hours":1,"scope":"city","threshold":100,"severity":"warning",
              "cooldown_hours":24,"message":{"zh":"{name} {value}","en":"{name} {value}"}}]}
            """.write(toFile: rules + "/air.json", atomically: true, encoding: .utf8)
        try #"{"silences": [{"id": "b-site", "match": {"city": "乙市"}, "from": "2019-03-01T00:00", "until": "2019-03-02T00:00", "reason": "施工"}]}"#
            .write(toFile: rules + "/silences.json", atomically: true, encoding: .utf8)
        let common = ["--store", store, "--stations", stations, "--rules", rules]

        let west = try await Self.haze(["alert", "silence"] + common + ["--district", "西区", "--rule", "high",
                                        "--from", "2019-03-01T00:00", "--until", "2019-03-02T00:00", "--by", "张三", "--reason", "校准"])
        #expect(west.status == 0 && west.stdout.contains("silence s1: ") && west.stdout.contains("district=西区"), "\(west.stdout)\(west.stderr)")
        let typo = try await Self.haze(["alert", "silence"] + common + ["--district", "西去", "--from", "2019-03-01T00:00", "--until", "2019-03-02T00:00", "--by", "张三"])
        #expect(typo.status == 64 && typo.stderr.contains("--district") && typo.stderr.contains("西区"), "\(typo.stderr)")
        for h in ["10", "11", "12"] {
            let run = try await Self.haze(["alert", "--at", "2019-03-01T\(h):00+08:00"] + common)
            #expect(run.status <= 2 && run.stderr.contains("error") == false, "\(h): \(run.stderr)")
        }
        let log = Self.objects(try String(contentsOfFile: store + "/alerts/alerts.ndjson", encoding: .utf8))
        func marks(_ rule: String, _ subject: String) -> [String] {
            log.filter { $0["rule"] as? String == rule && $0["subject"] as? String == subject }.map { ($0["silenced"] as? String) ?? "-" }
        }
        // By hand: B1 (120 at 10:00, then 50) and 乙市 open and close under the file's silence; A2 (150 at 10:00)
        // and A3 (120 at 12:00) are 西区's, held by s1; A1 and 甲市 are no silence's.
        #expect(marks("high", "B1") == ["b-site", "b-site"] && marks("city-high", "乙市") == ["b-site", "b-site"], "\(log)")
        #expect(marks("high", "A2").first == "s1" && marks("high", "A3") == ["s1"])
        #expect(marks("high", "A1") == ["-", "-", "-"] && marks("city-high", "甲市").allSatisfy { $0 == "-" } && !marks("city-high", "甲市").isEmpty)

        // closed: A1 opened 10:00 (150), escalated 11:00 (250), closed 12:00 (50); 甲市 (150, 250, then
        // (50 + 120) / 2 = 85) closed 12:00 too; A3 opened at 12:00 is open.
        let csv = try await Self.haze(["alert", "log", "--store", store, "--format", "csv"])
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let closedColumn = try #require(header.firstIndex(of: "closed"))
        let ruleColumn = try #require(header.firstIndex(of: "rule"))
        let subjectColumn = try #require(header.firstIndex(of: "subject"))
        func closed(_ rule: String, _ subject: String) -> [String] {
            rows.dropFirst().filter { $0.count == header.count && $0[ruleColumn] == rule && $0[subjectColumn] == subject }.map { $0[closedColumn] }
        }
        #expect(closed("high", "A1") == Array(repeating: "2019-03-01T12:00+08:00", count: 3), "\(csv.stdout)")
        #expect(closed("city-high", "甲市").allSatisfy { $0 == "2019-03-01T12:00+08:00" } && !closed("city-high", "甲市").isEmpty)
        #expect(closed("high", "B1") == ["2019-03-01T11:00+08:00", "2019-03-01T11:00+08:00"], "silenced reports close too")
        #expect(closed("high", "A3") == [""], "still open")
        let json = try await Self.haze(["alert", "log", "--store", store, "--format", "json"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(items.filter { ($0["report"] as? [String: Any])?["subject"] as? String == "A3" }.allSatisfy { $0["closed"] is NSNull })
        let table = try await Self.haze(["alert", "log", "--store", store, "--city", "甲市", "--stations", stations])
        #expect(table.stdout.contains("closed") && table.stdout.contains("2019-03-01T12:00+08:00"), "\(table.stdout)")

        // Coverage by hand: 4 PM2.5 series; the newest hour (12:00) has A1, A3, B1 → 3/4; since the first
        // hour (10:00): A1 3 + A2 1 + A3 1 + B1 3 = 8 of 4 × 3 = 12.
        let metrics = try await Self.haze(["status", "--store", store, "--format", "prometheus"])
        var coverage: [String: Double] = [:]
        for line in metrics.stdout.split(separator: "\n") where line.hasPrefix("haze_coverage_ratio{") {
            let parts = line.split(separator: " ")
            coverage[String(parts[0])] = Double(parts[1])
        }
        #expect(coverage.count == 2, "only PM2.5 has series: \(coverage)")
        #expect(coverage.first { $0.key.contains("window=\"newest_hour\"") && $0.key.contains("pm2") }?.value == 3.0 / 4.0, "\(coverage)")
        #expect(coverage.first { $0.key.contains("window=\"since_first_hour\"") && $0.key.contains("pm2") }?.value == 8.0 / 12.0, "\(coverage)")
    }
}
