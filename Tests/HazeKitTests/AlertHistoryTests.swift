import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore
@testable import HazeAlerts
@testable import HazeCLI

/// The command line of the delivery: `haze alert` with a routes file,
/// `--deliver-only`, `haze alert silence`, `haze alert log`, `haze alert ack`
/// and `haze status --format prometheus`, on the national sample.
@Suite("Alerts: haze alert silence, log, ack, --deliver-only and status --format prometheus on real data", .serialized)
struct AlertHistoryTests {
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func haze(_ arguments: [String], environment: [String: String] = [:]) async throws -> InProcess {
        try await OffPool.run { InProcess(arguments, environment: environment) }
    }

    @Test("a silence set from the command line holds its reports back (logged, marked); --deliver-only sends what a failed run kept; `haze alert log` equals the NDJSON log (ndjson byte for byte, json and csv report by report, --city and dates filtered), with deliveries and acknowledgements beside it; acks are appended; the Prometheus metrics equal the state")
    func commandLine() async throws {
        let store = try AlertDeliveryTests.nationalCopy()
        let server = try LoopbackServer()
        let common = ["--store", store, "--stations", TestPaths.stations, "--rules", TestPaths.root + "/alerts"]
        let routes = TestPaths.temporaryDirectory("haze-routes") + "/routes.json"
        try """
            {"environment": ["ARCHIVE_TOKEN"],
             "receivers": [{"id": "archive", "kind": "webhook", "url": "\(server.base)/archive?token=${ARCHIVE_TOKEN}", "deadline_seconds": 3}],
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
        #expect(up.status <= 2, "\(up.stderr)")

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
}
