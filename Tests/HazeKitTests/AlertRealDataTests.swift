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

/// The alerter over the real CNEMC data: replay against an independent
/// implementation, cron safety, and webhook delivery against a loopback server.
@Suite("Alerts: real data, cron safety, webhook", .onTestThreads, .serialized)
struct AlertRealDataTests {
    /// The shipped rules of the four kinds alerts_reference.py implements.
    static let fourKinds: String = {
        let dir = TestPaths.temporaryDirectory("haze-rules4")
        for name in ["air-pollution.json", "three-scatters.json"] {
            guard let data = FileManager.default.contents(atPath: TestPaths.root + "/alerts/" + name),
                  var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let rules = object["rules"] as? [[String: Any]] else { continue }
            object["rules"] = rules.filter { ["threshold", "rolling", "ratio", "excess"].contains($0["kind"] as? String ?? "") }
            if let out = try? JSONSerialization.data(withJSONObject: object) {
                #expect(FileManager.default.createFile(atPath: dir + "/" + name, contents: out))
            }
        }
        return dir
    }()

    /// Episodes from reports: rule → subject → [[opened, closed or nil]].
    static func episodes(_ ndjson: String) -> [String: [String: [[String?]]]] {
        var open: [String: String] = [:]
        var result: [String: [String: [[String?]]]] = [:]
        for line in ndjson.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let rule = object["rule"] as? String, let subject = object["subject"] as? String,
                  let event = object["event"] as? String, let time = object["time"] as? String else { continue }
            let key = rule + "|" + subject
            if event == "opened" { open[key] = time }
            if event == "closed", let since = open.removeValue(forKey: key) {
                result[rule, default: [:]][subject, default: []].append([since, time])
            }
        }
        for (key, since) in open {
            let parts = key.split(separator: "|").map(String.init)
            result[parts[0], default: [:]][parts[1], default: []].append([since, nil])
        }
        for (rule, subjects) in result {
            for (subject, list) in subjects { result[rule]?[subject] = list.sorted { ($0[0] ?? "") < ($1[0] ?? "") } }
        }
        return result
    }

    @Test("replay of Jan–Feb 2019 over the national list: every threshold, rolling, ratio and excess episode equals the independent implementation")
    func replayEqualsReference() async throws {
        // Start the Python reference first; it runs while haze replays.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", TestPaths.scripts + "/alerts_reference.py", "--data", TestPaths.cnemc,
                            "--registry", TestPaths.stations, "--rules", Self.fourKinds, "--from", "2019-01-01", "--to", "2019-02-28"]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let run = InProcess(["alert", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--rules", Self.fourKinds, "--replay", "--from", "2019-01-01", "--to", "2019-02-28", "--format", "ndjson"])
        let (referenceData, pythonStatus) = await OffPool.run { () -> (Data, Int32) in
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            return (data, Processes.waitForExit(python).status)
        }
        #expect(run.status == 0 && pythonStatus == 0)
        let reference = try #require(try JSONSerialization.jsonObject(with: referenceData) as? [String: [String: [[Any]]]])
        let haze = Self.episodes(run.stdout)
        var total = 0
        for (rule, subjects) in reference {
            var count = 0
            for (subject, list) in subjects {
                let expected = list.map { $0.map { $0 as? String } }
                let got = haze[rule]?[subject] ?? []
                if got != expected { Issue.record("\(rule) \(subject): haze \(got.prefix(3)) vs reference \(expected.prefix(3))") }
                count += list.count
            }
            let hazeCount = haze[rule]?.values.map(\.count).reduce(0, +) ?? 0
            #expect(hazeCount == count, "\(rule): \(hazeCount) episodes in haze, \(count) in the reference")
            total += count
        }
        #expect(reference.count == 8 && total > 30_000, "\(total) episodes compared")
    }

    /// A small store of five days (2019-01-10 … 14) for the cron tests.
    static func fiveDayStore() throws -> String {
        let dir = TestPaths.temporaryDirectory("haze-cron")
        let files = TestPaths.cnemcFiles.filter { name in (10...14).contains { name.contains(String(format: "201901%02d", $0)) } }
        let run = InProcess(["ingest", "--quiet", "--store", dir, "--stations", TestPaths.stations] + files)
        #expect(run.status == 0)
        return dir
    }

    func events(_ ndjson: String) -> [String] {
        ndjson.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return "\(o["time"] ?? "") \(o["event"] ?? "") \(o["rule"] ?? "") \(o["subject"] ?? "") \(o["level"] ?? "")"
        }
    }

    @Test("cron safety: a second run for the same hour reports nothing new; hour-by-hour runs and a catch-up give exactly the replay's reports")
    func cronEqualsReplay() throws {
        let store = try Self.fiveDayStore()
        let common = ["--store", store, "--stations", TestPaths.stations, "--format", "ndjson"]
        let replay = InProcess(["alert", "--replay", "--from", "2019-01-10", "--to", "2019-01-14"] + common)
        let expected = events(replay.stdout)
        #expect(expected.count > 1000)
        var got: [String] = []
        let zone = LocalZone.beijing
        let first = zone.hour(day: Day(CivilDate(year: 2019, month: 1, day: 10)!), hourOfDay: 0)
        // Hour by hour for the first day, as cron would with `--at`…
        for offset in 0..<24 {
            let at = zone.format(first.advanced(by: offset))
            let run = InProcess(["alert", "--at", at] + common)
            #expect(run.status <= 2, "\(run.stderr)")
            got += events(run.stdout)
            if offset == 12 {
                let again = InProcess(["alert", "--at", at] + common)
                #expect(events(again.stdout).isEmpty, "the same hour twice reports nothing new")
                #expect(again.status == run.status)
            }
        }
        // … then one plain run catches up every hour since the last one.
        // "Now" is the newest hour, as for a cron run right after the last ingest.
        let now = ["--now", "2019-01-14T23:00+08:00"]
        let catchUp = InProcess(["alert"] + now + common)
        got += events(catchUp.stdout)
        #expect(got == expected)
        let stateBefore = FileManager.default.contents(atPath: store + "/alerts/state.json")
        let nothing = InProcess(["alert"] + now + common)
        #expect(events(nothing.stdout).isEmpty, "a run with no new hour reports nothing")
        #expect(FileManager.default.contents(atPath: store + "/alerts/state.json") == stateBefore,
                "and leaves the alert state as it was")
        #expect(nothing.status == catchUp.status)
        // The log holds exactly what was reported.
        let log = try String(contentsOfFile: store + "/alerts/alerts.ndjson", encoding: .utf8)
        #expect(events(log) == expected)
        // Exit status: open critical episodes at the newest hour (pm25-hourly-high ≥ 250 somewhere).
        #expect(catchUp.status == 2 || catchUp.status == 1)
    }

    @Test("webhook: delivered once; on 500s, resets and a stalled server the reports wait in the outbox and go out once the server recovers")
    func webhook() throws {
        let store = try Self.fiveDayStore()
        let server = try LoopbackServer()
        let url = "\(server.base)/hook?key=SECRET-ROBOT-KEY"
        func alert(_ extra: [String]) -> InProcess {
            InProcess(["alert", "--store", store, "--stations", TestPaths.stations, "--format", "ndjson",
                       "--webhook", url, "--webhook-deadline", "4"] + extra)
        }
        func outbox() throws -> Int {
            try AlertJournal(storeDirectory: store).loadState().outboxCount
        }
        // 1. Server answers 500: retried, then kept.
        try server.setMode("fail500")
        let first = alert(["--at", "2019-01-12T06:00+08:00"])
        let firstReports = events(first.stdout).count
        #expect(firstReports > 0)
        #expect(first.stderr.contains("HTTP 500") && first.stderr.contains("\(firstReports) report(s) kept"))
        #expect(!first.stderr.contains("SECRET-ROBOT-KEY") && first.stderr.contains("key=***"))
        #expect(server.requests.filter { $0.hasPrefix("POST") }.count >= 2, "retried")
        #expect(try outbox() == firstReports)
        // 2. Server resets connections: kept again, together with the new hour's reports.
        try server.setMode("reset")
        let second = alert(["--at", "2019-01-12T07:00+08:00"])
        let secondReports = events(second.stdout).count
        #expect(try outbox() == firstReports + secondReports)
        // 3. Server stalls: the run ends within its deadline, reports kept.
        try server.setMode("stall")
        let started = Date()
        _ = alert(["--at", "2019-01-12T08:00+08:00"])
        #expect(Date().timeIntervalSince(started) < 15, "the stalled server did not hold the run")
        let kept = try outbox()
        #expect(kept >= firstReports + secondReports)
        #expect(server.received.isEmpty)
        // 4. Server recovers: everything kept goes out once, in one POST; the outbox empties.
        try server.setMode("ok")
        _ = alert(["--at", "2019-01-12T09:00+08:00"])
        #expect(try outbox() == 0)
        #expect(server.received.count == 1)
        let delivered = try #require(try JSONSerialization.jsonObject(with: Data(server.received[0].utf8)) as? [String: Any])
        let items = try #require(delivered["alerts"] as? [[String: Any]])
        let log = events(try String(contentsOfFile: store + "/alerts/alerts.ndjson", encoding: .utf8))
        #expect(items.count == log.count, "every logged report delivered, none twice")
        #expect(Set(items.map { "\($0["time"]!) \($0["event"]!) \($0["rule"]!) \($0["subject"]!) \($0["level"]!)" }).count == items.count)
        // 5. A run with nothing new sends nothing.
        _ = alert(["--at", "2019-01-12T09:00+08:00"])
        #expect(server.received.count == 1)
        // 6. Chat-robot text body.
        _ = InProcess(["alert", "--store", store, "--stations", TestPaths.stations, "--webhook", url,
                       "--webhook-format", "text", "--at", "2019-01-12T10:00+08:00"])
        let text = try #require(server.received.last)
        #expect(text.hasPrefix("{\"msgtype\":\"text\",\"text\":{\"content\":\""))
    }
}
