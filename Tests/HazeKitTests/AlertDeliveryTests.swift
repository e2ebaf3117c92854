import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeNet
@testable import HazeAlerts
@testable import HazeCLI

/// Delivery to imitations of the real receivers (Tests/Fixtures/http_server.py:
/// WeCom, DingTalk verifying 加签 as documented, Feishu verifying its
/// signature, Alertmanager v2 validating its schema), with a national hour of
/// the January–February 2019 sample, on a virtual clock (no real waiting).
@Suite("Alerts: delivery to WeCom, DingTalk, Feishu and Alertmanager imitations: digests, quotas, failures", .onTestThreads, .serialized)
struct AlertDeliveryTests {
    static let zone = LocalZone.beijing
    static let rules: RuleSet = (try? RuleSet.load(directory: TestPaths.root + "/alerts")) ?? RuleSet(rules: [])

    /// The shared national store's rings hard-linked into a new directory:
    /// alert runs read the rings and write only `alerts/`, so every test gets
    /// its own alert files over the same data without copying 110 MB.
    static func nationalCopy() throws -> String {
        let source = SharedStore.national.directory
        let directory = TestPaths.temporaryDirectory("haze-delivery")
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where !["alerts", "lock"].contains(name) {
            var info = stat()
            guard lstat(source + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            try FileManager.default.linkItem(atPath: source + "/" + name, toPath: directory + "/" + name)
        }
        return directory
    }

    /// Seconds since 1970 of a local time in Beijing.
    static func seconds(_ date: String, _ hour: Int, minute: Int = 0) -> Double {
        Double(zone.hour(day: Day(CivilDate(parsing: date)!), hourOfDay: hour).index) * 3600 + Double(minute * 60)
    }

    static func hour(_ date: String, _ h: Int) -> Hour { zone.hour(day: Day(CivilDate(parsing: date)!), hourOfDay: h) }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func objects(_ path: String) -> [[String: Any]] {
        lines(path).compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// `<episode>|<event>|<time>` of each report, in log order.
    static func logKeys(_ store: String, receiver: String? = nil) -> [String] {
        objects(store + "/alerts/alerts.ndjson").filter { report in
            receiver.map { ((report["routed"] as? [String]) ?? []).contains($0) } ?? true
        }.map { "\($0["episode"]!)|\($0["event"]!)|\($0["time"]!)" }
    }

    /// Report keys delivered to a receiver, in delivery order (deliveries.ndjson).
    static func deliveredKeys(_ store: String, _ receiver: String) -> [String] {
        objects(store + "/alerts/deliveries.ndjson").filter { $0["receiver"] as? String == receiver && $0["status"] as? String == "delivered" }
            .flatMap { ($0["keys"] as? [String]) ?? [] }
    }

    /// The text of an accepted robot message.
    static func content(_ kind: String, _ body: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return "" }
        switch kind {
        case "wecom": return ((object["markdown"] ?? object["text"]) as? [String: Any])?["content"] as? String ?? ""
        case "dingtalk": return (object["text"] as? [String: Any])?["content"] as? String
            ?? (object["markdown"] as? [String: Any])?["text"] as? String ?? ""
        default: return (object["content"] as? [String: Any])?["text"] as? String ?? ""
        }
    }

    /// What a digest says it carries (its header's count), shows in full and folds into counts — read from its text.
    static func tally(_ text: String) -> (count: Int, shown: [String], folded: Int) {
        let rows = text.split(separator: "\n").map(String.init)
        var count = 0
        if let header = rows.first, let range = header.range(of: #"：(\d+) 条（"#, options: .regularExpression) {
            count = Int(header[range].filter(\.isNumber)) ?? 0
        }
        let shown = rows.dropFirst().filter { $0.hasPrefix("[") || $0.hasPrefix("- **[") }
        var folded = 0
        for row in rows where row.hasPrefix("另有") {
            for part in row.dropFirst(2).split(separator: "、") {
                folded += Int(part.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) ?? 0
            }
        }
        return (count, shown, folded)
    }

    /// At most `count` times within any `seconds`.
    static func withinQuota(_ times: [Double], count: Int, seconds: Double) -> Bool {
        let sorted = times.sorted()
        for (i, t) in sorted.enumerated() where sorted[i...].prefix(while: { $0 < t + seconds }).count > count { return false }
        return true
    }

    static func routes(_ receivers: String, routes: String = #"[{"receivers": ["wecom", "dingtalk", "feishu", "am"]}]"#,
                       environment: [String] = ["WECOM_KEY", "DINGTALK_TOKEN", "DINGTALK_SECRET", "FEISHU_HOOK", "FEISHU_SECRET"]) throws -> AlertRoutes {
        let names = "[" + environment.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let text = #"{"environment": \#(names), "receivers": \#(receivers), "routes": \#(routes)}"#
        return try AlertRoutes.parse(Array(text.utf8), file: "routes.json", rules: rules, registry: SharedStore.registry)
    }

    static func robots(_ server: LoopbackServer, perMessage: Int = 20) -> String {
        """
        [{"id": "wecom", "kind": "wecom", "url": "\(server.base)/cgi-bin/webhook/send?key=${WECOM_KEY}", "reports_per_message": \(perMessage)},
         {"id": "dingtalk", "kind": "dingtalk", "url": "\(server.base)/robot/send?access_token=${DINGTALK_TOKEN}",
          "secret": "${DINGTALK_SECRET}", "keywords": ["空气质量"], "at_mobiles": ["13800001111"], "reports_per_message": \(perMessage)},
         {"id": "feishu", "kind": "feishu", "url": "\(server.base)/open-apis/bot/v2/hook/${FEISHU_HOOK}", "secret": "${FEISHU_SECRET}",
          "keywords": ["空气质量"], "reports_per_message": \(perMessage)},
         {"id": "am", "kind": "alertmanager", "url": "\(server.base)", "labels": {"team": "air"}, "reports_per_message": 100}]
        """
    }

    static let environment = ["WECOM_KEY": "k-1", "DINGTALK_TOKEN": "t-2", "DINGTALK_SECRET": "SEC-dingtalk-secret",
                              "FEISHU_HOOK": "h-3", "FEISHU_SECRET": "feishu-secret", "HOME": "/root"]

    static func secure(_ server: LoopbackServer) throws {
        try "SEC-dingtalk-secret".write(toFile: server.root + "/.dingtalk_secret", atomically: true, encoding: .utf8)
        try "feishu-secret".write(toFile: server.root + "/.feishu_secret", atomically: true, encoding: .utf8)
        try "空气质量".write(toFile: server.root + "/.keywords", atomically: true, encoding: .utf8)
    }

    /// One alert run off the cooperative pool.
    static func run(_ store: String, at: Hour, clock: VirtualClock, routes: AlertRoutes, wait: Double = 900,
                    environment: [String: String] = environment, silences: [AlertSilence] = []) async throws -> AlertRunResult {
        let receivers = try routes.makeReceivers(environment: environment)
        let routing = routes.routing(silences: silences)
        let alertClock = clock.clock
        return try await OffPool.run {
            let run = AlertRun(storeDirectory: store, registry: SharedStore.registry, rules: rules, clock: alertClock)
            return try run.perform(AlertRun.Options(at: at, receivers: receivers, routing: routing, deliveryWait: wait))
        }
    }

    @Test("a national hour (2019-02-28T23:00, every report of the sample's last hour) reaches WeCom, DingTalk (加签 verified), Feishu (signed) and Alertmanager (schema validated) as digests within each limit, never above a quota in any minute, every report exactly once")
    func nationalHour() async throws {
        let store = try Self.nationalCopy()
        let server = try LoopbackServer()
        try Self.secure(server)
        let clock = VirtualClock(Self.seconds("2019-03-01", 0, minute: 5), server: server)
        let routes = try Self.routes(Self.robots(server))
        let result = try await Self.run(store, at: Self.hour("2019-02-28", 23), clock: clock, routes: routes)
        let logged = Self.logKeys(store)
        #expect(logged.count == result.events.count && logged.count >= 600, "\(logged.count) reports (653 with days of hours 1–24)")
        #expect(result.deliveries.allSatisfy { $0.kept == 0 && $0.error == nil }, "\(result.deliveries)")
        #expect(clock.waited > 30, "the quotas made the run wait (on the virtual clock): \(clock.waited) s")
        let robot = Self.objects(server.root + "/.robot")
        #expect(robot.allSatisfy { $0["accepted"] as? Bool == true }, "every request accepted: \(robot.filter { $0["accepted"] as? Bool != true }.prefix(3))")
        let messages = Dictionary(grouping: robot, by: { $0["kind"] as? String ?? "" })
        let texts = Set(Self.objects(store + "/alerts/alerts.ndjson").compactMap { $0["message_zh"] as? String })
        for kind in ["wecom", "dingtalk", "feishu"] {
            let accepted = messages[kind] ?? []
            #expect(accepted.count >= logged.count / 20, "\(kind): \(accepted.count) messages")
            var total = 0
            var shown: [String] = []
            for message in accepted {
                let body = message["body"] as? String ?? ""
                let text = Self.content(kind, body)
                // The limits as each API counts them.
                switch kind {
                case "wecom": #expect(text.utf8.count <= 4096, "wecom content \(text.utf8.count) bytes")
                default: #expect(body.utf8.count <= 20_000, "\(kind) body \(body.utf8.count) bytes")
                }
                #expect(text.contains("空气质量") || kind == "wecom", "\(kind): the keyword is in every message")
                let tally = Self.tally(text)
                #expect(tally.shown.count + tally.folded == tally.count && tally.count > 0, "\(kind): \(text.prefix(300))")
                total += tally.count
                shown += tally.shown
            }
            #expect(total == logged.count, "\(kind): the messages carry \(total) reports of \(logged.count)")
            #expect(Set(shown).count == shown.count, "\(kind): no report shown twice")
            for line in shown {
                let message = line.replacingOccurrences(of: #"^(- \*\*)?\[[^\]]+\](\*\*)? "#, with: "", options: .regularExpression)
                #expect(texts.contains(message) || kind == "wecom", "\(kind): '\(line)' is not a logged report")
            }
            // Quotas: 20 a minute (WeCom, DingTalk); 100 a minute and 5 a second (Feishu).
            let times = accepted.compactMap { $0["now"] as? Double }
            if kind == "feishu" {
                #expect(Self.withinQuota(times, count: 100, seconds: 60) && Self.withinQuota(times, count: 5, seconds: 1))
            } else {
                #expect(Self.withinQuota(times, count: 20, seconds: 60), "\(kind): more than 20 in a minute")
            }
            // Every report exactly once, in the log's order (haze's record of what it sent).
            #expect(Self.deliveredKeys(store, kind) == logged, "\(kind): delivered keys differ from the log")
        }
        // Alertmanager: every report an alert with labels and times the schema accepts.
        let alerts = (messages["alertmanager"] ?? []).flatMap { message -> [[String: Any]] in
            (try? JSONSerialization.jsonObject(with: Data((message["body"] as? String ?? "").utf8)) as? [[String: Any]]) ?? []
        }
        #expect(alerts.count == logged.count)
        let first = try #require(alerts.first)
        let labels = try #require(first["labels"] as? [String: String])
        #expect(labels["team"] == "air" && labels["source"] == "haze" && labels["alertname"] != nil && labels["subject"] != nil)
        #expect((first["startsAt"] as? String)?.hasSuffix(":00+08:00") == true)
        #expect(Self.deliveredKeys(store, "am") == logged)
        // The ledger remembers each receiver's last delivery (for the metrics).
        let ledger = try DeliveryLedger.load(storeDirectory: store)
        #expect(Set(ledger.receivers.keys) == ["wecom", "dingtalk", "feishu", "am"])
        #expect(ledger.receivers.values.allSatisfy { $0.last_delivered != nil && $0.last_failed == nil })
    }

    @Test("a receiver that fails for an hour loses nothing: its reports wait in the outbox and go out once, in order, when it recovers; the other receiver gets its reports meanwhile")
    func failingForAnHour() async throws {
        let store = try Self.nationalCopy()
        let server = try LoopbackServer()
        let healthy = try LoopbackServer()
        try Self.secure(server)
        let clock = VirtualClock(Self.seconds("2019-02-28", 20, minute: 5), server: server)
        // Long attempts: on a loaded machine the loopback server answered after the default 8 s,
        // and the retry delivered those messages twice (delivery is at least once).
        let receivers = """
            [{"id": "wecom", "kind": "wecom", "url": "\(server.base)/cgi-bin/webhook/send?key=${WECOM_KEY}", "reports_per_message": 60,
              "deadline_seconds": 600, "attempt_timeout_seconds": 300},
             {"id": "archive", "kind": "webhook", "url": "\(healthy.base)/archive", "deadline_seconds": 600, "attempt_timeout_seconds": 300}]
            """
        let routes = try Self.routes(receivers, routes: #"[{"receivers": ["wecom"]}, {"match": {"severity": "critical"}, "receivers": ["archive"]}]"#)
        try server.setMode("fail500")
        for h in 20...21 {
            clock.set(Self.seconds("2019-02-28", h, minute: 5))
            let result = try await Self.run(store, at: Self.hour("2019-02-28", h), clock: clock, routes: routes, wait: 60)
            let wecom = try #require(result.deliveries.first { $0.receiver == "wecom" })
            #expect(wecom.sent == 0 && wecom.kept == Self.logKeys(store, receiver: "wecom").count && wecom.error?.contains("HTTP 500") == true,
                    "\(wecom)")
        }
        #expect(try AlertJournal(storeDirectory: store).loadState().outbox["wecom"]?.count == Self.logKeys(store, receiver: "wecom").count)
        #expect(Self.deliveredKeys(store, "archive") == Self.logKeys(store, receiver: "archive"), "the healthy receiver got its reports")
        // An hour later the robot is back: everything kept goes out, then the new hour's.
        try server.setMode("ok")
        for h in 22...23 {
            clock.set(Self.seconds("2019-02-28", h, minute: 5))
            let result = try await Self.run(store, at: Self.hour("2019-02-28", h), clock: clock, routes: routes, wait: 900)
            #expect(result.deliveries.allSatisfy { $0.kept == 0 }, "\(result.deliveries)")
        }
        let logged = Self.logKeys(store, receiver: "wecom")
        #expect(logged.count > 600)
        #expect(Self.deliveredKeys(store, "wecom") == logged, "every report once, in the log's order")
        let accepted = Self.objects(server.root + "/.robot").filter { $0["accepted"] as? Bool == true }
        #expect(accepted.map { Self.tally(Self.content("wecom", $0["body"] as? String ?? "")).count }.reduce(0, +) == logged.count)
        #expect(Self.withinQuota(accepted.compactMap { $0["now"] as? Double }, count: 20, seconds: 60))
        #expect(try AlertJournal(storeDirectory: store).loadState().outboxCount == 0)
        // The failed attempts are in the delivery log with their error.
        let failures = Self.objects(store + "/alerts/deliveries.ndjson").filter { $0["status"] as? String == "failed" }
        #expect(failures.count >= 2 && failures.allSatisfy { ($0["error"] as? String)?.contains("HTTP 500") == true })
    }

    @Test("HTTP 200 with an error code is a failure, kept and logged; a 429 blocks the receiver for its Retry-After; DingTalk's 130101 blocks it 10 minutes and nothing is sent meanwhile; a slow answer past the deadline is kept, a slow one within it delivered; a wrong signature is refused")
    func failuresAndBlocks() async throws {
        let store = try Self.nationalCopy()
        let server = try LoopbackServer()
        try Self.secure(server)
        let clock = VirtualClock(Self.seconds("2019-02-28", 20, minute: 5), server: server)
        func dingtalk(deadline: Int) -> String {
            """
            [{"id": "dingtalk", "kind": "dingtalk", "url": "\(server.base)/robot/send?access_token=${DINGTALK_TOKEN}",
              "secret": "${DINGTALK_SECRET}", "keywords": ["空气质量"], "reports_per_message": 100, "deadline_seconds": \(deadline)}]
            """
        }
        let routes = try Self.routes(dingtalk(deadline: 20), routes: #"[{"receivers": ["dingtalk"]}]"#)
        let impatient = try Self.routes(dingtalk(deadline: 1), routes: #"[{"receivers": ["dingtalk"]}]"#)
        func robotRequests() -> [[String: Any]] { Self.objects(server.root + "/.robot") }
        func kept() throws -> Int { try AlertJournal(storeDirectory: store).loadState().outbox["dingtalk"]?.count ?? 0 }

        // 1. HTTP 200 with errcode 300001: not retried, kept, the error in the delivery log.
        try server.setMode("errcode")
        let first = try await Self.run(store, at: Self.hour("2019-02-28", 20), clock: clock, routes: routes, wait: 60)
        let reports = first.events.count
        #expect(try kept() == reports && reports > 0)
        #expect(robotRequests().count == 1, "a refusal is not retried")
        #expect(first.deliveries.first?.error?.contains("errcode 300001") == true, "\(first.deliveries)")
        #expect(Self.objects(store + "/alerts/deliveries.ndjson").contains { ($0["error"] as? String)?.contains("errcode 300001") == true })

        // 2. A wrong signing secret: DingTalk answers 310000, kept.
        try server.setMode("ok")
        var wrong = Self.environment
        wrong["DINGTALK_SECRET"] = "SEC-not-the-secret"
        let unsigned = try await Self.run(store, at: Self.hour("2019-02-28", 20), clock: clock, routes: routes, wait: 60, environment: wrong)
        let keptAfterUnsigned = try kept()
        #expect(unsigned.deliveries.first?.error?.contains("errcode 310000") == true && keptAfterUnsigned == reports)

        // 3. 429 with Retry-After: 30: blocked 30 s; the run waits it out within its budget, then keeps the rest.
        try server.setMode("throttle429")
        let throttled = try await Self.run(store, at: Self.hour("2019-02-28", 20), clock: clock, routes: routes, wait: 100)
        let blocked = try #require(try DeliveryLedger.load(storeDirectory: store).receivers["dingtalk"]?.blocked_until)
        let keptAfterThrottle = try kept()
        #expect(blocked > clock.now - 1 && keptAfterThrottle == reports, "\(throttled.deliveries)")
        #expect((3...5).contains(robotRequests().filter { $0["status"] as? Int == 429 }.count), "one request per 30 s of a 100 s budget")

        // 4. Blocked by DingTalk (someone else's messages exceeded the quota): 130101, blocked 10 minutes.
        try server.setMode("ok")
        clock.advance(60)
        try String(clock.now + 300).write(toFile: server.root + "/.dingtalk_blocked_until", atomically: true, encoding: .utf8)
        let before = robotRequests().count
        _ = try await Self.run(store, at: Self.hour("2019-02-28", 20), clock: clock, routes: routes, wait: 60)
        #expect(robotRequests().count == before + 1 && robotRequests().last?["answer"].map { "\($0)" }?.contains("130101") == true)
        let until = try #require(try DeliveryLedger.load(storeDirectory: store).receivers["dingtalk"]?.blocked_until)
        #expect(abs(until - (clock.now + 600)) < 2, "blocked for 10 minutes")
        clock.advance(300)   // DingTalk itself would accept again now, but haze keeps its 10 minutes.
        _ = try await Self.run(store, at: Self.hour("2019-02-28", 21), clock: clock, routes: routes, wait: 60)
        #expect(robotRequests().count == before + 1, "nothing sent while blocked")
        #expect(try kept() > reports, "the new hour's reports wait too")

        // 5. Slow answers: past the receiver's 1 s deadline → kept; within it → delivered.
        clock.advance(301)
        try "1.6".write(toFile: server.root + "/.slow_seconds", atomically: true, encoding: .utf8)
        try server.setMode("slow")
        let slow = try await Self.run(store, at: Self.hour("2019-02-28", 21), clock: clock, routes: impatient, wait: 60)
        // Our deadline or libcurl's own timeout (NSURLErrorTimedOut, which FoundationNetworking
        // describes only as "NSURLErrorDomain error -1001"), whichever fires first: the same words.
        let slowError = slow.deliveries.first?.error ?? ""
        #expect(slowError.contains("no complete response within 1.0 s"), "\(slow.deliveries)")
        #expect(try kept() > reports)
        try "0.2".write(toFile: server.root + "/.slow_seconds", atomically: true, encoding: .utf8)
        clock.advance(61)
        let quick = try await Self.run(store, at: Self.hour("2019-02-28", 21), clock: clock, routes: routes, wait: 600)
        #expect(quick.deliveries.first?.kept == 0, "\(quick.deliveries)")
        #expect(Self.deliveredKeys(store, "dingtalk") == Self.logKeys(store, receiver: "dingtalk"), "everything once, in order")
    }
}
