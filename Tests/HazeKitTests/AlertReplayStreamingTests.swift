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

/// The streaming replay (`AlertReplay.run`, `haze alert --replay`): the same
/// reports as the replay of d0125ed that gathered every report before printing
/// (its output recorded in `Tests/Fixtures/alert-replay-d0125ed`, see the
/// README there), the same summary, and a coherent result when a writer
/// commits while it runs. Speed and memory are measured by `haze-bench replay`.
@Suite("Alerts: the streaming replay", .onTestThreads)
struct AlertReplayStreamingTests {
    static let fixtures = TestPaths.fixtures + "/alert-replay-d0125ed"
    static let rules = TestPaths.root + "/alerts"
    static let zone = LocalZone.beijing

    static func date(_ text: String) -> CivilDate { CivilDate(parsing: text)! }
    static func hour(_ date: String, _ h: Int) -> Hour { zone.hour(day: Day(Self.date(date)), hourOfDay: h) }
    static func sha256(_ bytes: [UInt8]) -> String { SHA256.hex(SHA256.hash(bytes)) }

    /// The ndjson line of a report, as `haze alert --format ndjson` prints it.
    static func line(_ event: AlertEvent) -> String { event.json(zone).serialized() }

    // MARK: The same reports as the replay that gathered everything

    @Test("the streamed national replay of Jan–Feb 2019 (18 rules) gives d0125ed's reports, line for line: per rule the count by event and the digest of every NDJSON line")
    func nationalEqualsGatheringReplay() throws {
        let expected = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/national-2019-01-01-2019-02-28.json"))) as? [String: Any])
        let perRule = try #require(expected["per_rule"] as? [String: [String: Any]])
        let replay = AlertReplay(storeDirectory: SharedStore.national.directory, registry: SharedStore.registry,
                                 rules: try RuleSet.load(directory: Self.rules))
        var digests: [String: [UInt8]] = [:]
        var byEvent: [String: [String: Int]] = [:]
        var total = 0
        var previous = Hour(Int.min)
        try replay.run(from: Self.date("2019-01-01"), to: Self.date("2019-02-28")) { event in
            digests[event.ruleID, default: []] += SHA256.hash(Array(Self.line(event).utf8))
            byEvent[event.ruleID, default: [:]][event.kind.rawValue, default: 0] += 1
            total += 1
            if event.hour < previous { Issue.record("reports out of hour order: \(event.hour) after \(previous)") }
            previous = event.hour
        }
        #expect(total == expected["reports"] as? Int)
        #expect(Set(digests.keys) == Set(perRule.keys), "rules with reports")
        for (rule, entry) in perRule.sorted(by: { $0.key < $1.key }) {
            #expect(byEvent[rule] == entry["by_event"] as? [String: Int], "\(rule): reports by event")
            #expect(Self.sha256(digests[rule] ?? []) == entry["lines_sha256"] as? String, "\(rule): the NDJSON lines differ")
        }
    }

    @Test("--summary of the national Jan–Feb 2019 replay is byte for byte d0125ed's, in Chinese and English; Beijing's summary is its text")
    func summaryUnchanged() throws {
        let expected = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/national-2019-01-01-2019-02-28.json"))) as? [String: Any])
        let common = ["alert", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--rules", Self.rules,
                      "--replay", "--summary"]
        for (language, key) in [("zh", "summary_zh_sha256"), ("en", "summary_en_sha256")] {
            let national = InProcess(common + ["--from", "2019-01-01", "--to", "2019-02-28", "--lang", language])
            #expect(national.status == 0, "\(national.stderr)")
            #expect(Self.sha256(Array(national.stdout.utf8)) == expected[key] as? String, "national summary (\(language))")
            let beijing = InProcess(common + ["--from", "2019-01-01", "--to", "2019-02-28", "--city", "北京", "--lang", language])
            let text = try String(contentsOfFile: Self.fixtures + "/beijing-2019-01-01-2019-02-28-summary-\(language).txt", encoding: .utf8)
            #expect(beijing.status == 0 && beijing.stdout == text, "Beijing summary (\(language))")
        }
    }

    /// d0125ed's NDJSON for Beijing, 2019-01-10 … 14.
    static func beijingFixture() throws -> String {
        let packed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures + "/beijing-2019-01-10-2019-01-14.ndjson.gz")))
        return String(decoding: try Gzip.decompress(packed), as: UTF8.self)
    }

    @Test("Beijing 2019-01-10 … 14: the streamed NDJSON is d0125ed's byte for byte; the streamed JSON array is the cron run's rendering of the same reports; the streamed table has one row per report, each with its message")
    func beijingOutputs() throws {
        let expected = try Self.beijingFixture()
        let common = ["alert", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--rules", Self.rules,
                      "--replay", "--from", "2019-01-10", "--to", "2019-01-14", "--city", "北京"]
        let ndjson = InProcess(common + ["--format", "ndjson"])
        #expect(ndjson.status == 0 && ndjson.stdout == expected)
        #expect(ndjson.stdout.split(separator: "\n").count > 300)

        let replay = AlertReplay(storeDirectory: SharedStore.national.directory, registry: SharedStore.registry,
                                 rules: try RuleSet.load(directory: Self.rules), filter: SubjectFilter(cities: ["北京"]))
        let events = try replay.events(from: Self.date("2019-01-10"), to: Self.date("2019-01-14")).events
        let json = InProcess(common + ["--format", "json"])
        #expect(json.status == 0 && json.stdout == AlertReport(events: events, zone: Self.zone, language: .zh).json())

        let table = InProcess(common + ["--lang", "en"])
        let rows = table.stdout.split(separator: "\n").dropFirst(2)
        #expect(table.status == 0 && rows.count == events.count)
        for (row, event) in zip(rows, events) where !row.hasSuffix(event.message(in: "en") ?? "\u{0}") {
            Issue.record("table row without its message: \(row)")
            break
        }
        // A period with no report says so, as the cron run does.
        let quiet = TestPaths.temporaryDirectory("haze-replay-quiet-rules")
        try Data(#"{"campaign":"quiet","rules":[{"id":"never","kind":"threshold","pollutant":"pm2.5","hours":3,"threshold":9999,"message":{"zh":"{name}","en":"{name}"}}]}"#.utf8)
            .write(to: URL(fileURLWithPath: quiet + "/quiet.json"))
        let none = InProcess(["alert", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                              "--rules", quiet, "--replay", "--from", "2019-01-10", "--to", "2019-01-11", "--lang", "en"])
        #expect(none.status == 0 && none.stdout == "nothing new to report\n", "\(none.stdout)")
        let noneJSON = InProcess(["alert", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                                  "--rules", quiet, "--replay", "--from", "2019-01-10", "--to", "2019-01-11", "--format", "json"])
        #expect(noneJSON.status == 0 && noneJSON.stdout == "[]\n")
    }

    @Test("the episode tracker's table grows with the rules and subjects that have episodes, not by doubling for each new rule (a national cron hour opened episodes of 18 rules in order: 1.6 s of zeroed pages)")
    func trackerTableStaysSmall() throws {
        let rule = try #require(try RuleSet.parse(data: Array("""
            {"campaign":"t","rules":[{"id":"t","kind":"threshold","pollutant":"pm2.5","hours":1,"threshold":100,
             "message":{"zh":"{name}","en":"{name}"}}]}
            """.utf8), file: "t.json").rules.first)
        var tracker = Alerter.emptyTracker()
        var subject = AlertSubject(key: "S", scope: .station, name: "S", city: "测试", district: "", stations: [])
        for position in 0 ..< 18 {
            for id in [0, 1_640, 3_000] {
                subject.id = id
                #expect(tracker.observe(rule, position: position, subject, .active(level: 0, value: 200, facts: [:]),
                                        at: Hour(1000), zone: Self.zone)?.kind == .opened)
            }
        }
        #expect(tracker.open.count == 54)
        #expect(tracker.tableSize <= 18 * 2 * 3_001, "\(tracker.tableSize) entries")
    }

    // MARK: A writer commits while the replay runs

    static func copy() throws -> String { try FiveDayStore.copy("haze-replay-stream") }

    /// Beijing's assessment stations' PM2.5 set to `value` for `hours` (a commit of the writer).
    static func commit(_ directory: String, _ hours: ClosedRange<Hour>, value: Int) throws {
        let store = try Store(directory: directory, access: .readWrite)
        let series = try store.resolve(TestPaths.beijingAssessmentStations.map { SeriesKey(station: $0, pollutant: .pm25) })
        var readings: [StoredReading] = []
        for hour in hours { for s in series { readings.append(StoredReading(series: s, hour: hour, value: value)) } }
        let report = try store.write(readings)
        #expect(report.stored + report.corrected + report.unchanged == readings.count, "the commit wrote every reading")
    }

    static func replay(_ directory: String, chunkHours: Int = 24,
                       afterEvaluating: ((ClosedRange<Hour>, Int) -> Void)? = nil,
                       each: (AlertEvent) -> Void = { _ in }) throws -> [String] {
        var replay = AlertReplay(storeDirectory: directory, registry: SharedStore.registry,
                                 rules: try RuleSet.load(directory: rules), filter: SubjectFilter(cities: ["北京"]))
        replay.chunkHours = chunkHours
        replay.afterEvaluating = afterEvaluating
        var lines: [String] = []
        try replay.run(from: date("2019-01-10"), to: date("2019-01-14")) { event in
            lines.append(line(event))
            each(event)
        }
        return lines
    }

    /// The commit of the tests below: far above every threshold on the
    /// afternoon of 01-13, a day the replay has not reached when it commits.
    static let ahead = hour("2019-01-13", 12) ... hour("2019-01-13", 20)

    @Test("a writer commits between two days of the replay, changing hours still ahead: the replay sees the commit from the next day on — its reports are those of a replay of the final store, not of the store it started on")
    func commitBetweenDays() throws {
        let original = try Self.copy(), final = try Self.copy(), streamed = try Self.copy()
        try Self.commit(final, Self.ahead, value: 900)
        let before = try Self.replay(original)
        let after = try Self.replay(final)
        #expect(before != after, "the commit changes the reports")
        var committed = false
        let got = try Self.replay(streamed, each: { event in
            // The first report of 01-11 is handed on once the day is evaluated: commit then.
            guard !committed, event.hour >= Self.hour("2019-01-11", 0) else { return }
            committed = true
            do { try Self.commit(streamed, Self.ahead, value: 900) } catch { Issue.record("commit: \(error)") }
        })
        #expect(committed)
        #expect(got == after)
        AlertStateTests.expectWellFormed(got.joined(separator: "\n"))
    }

    @Test("a writer commits while a day is being evaluated: that day is evaluated again from the episodes as they were before it, so no report of the torn read is handed on, none twice")
    func commitDuringADay() throws {
        let final = try Self.copy(), streamed = try Self.copy()
        try Self.commit(final, Self.ahead, value: 900)
        let after = try Self.replay(final)
        var attempts: [String] = []
        let got = try Self.replay(streamed, afterEvaluating: { chunk, attempt in
            attempts.append("\(Self.zone.format(chunk.lowerBound)) #\(attempt)")
            guard chunk.contains(Self.hour("2019-01-11", 12)), attempt == 0 else { return }
            do { try Self.commit(streamed, Self.ahead, value: 900) } catch { Issue.record("commit: \(error)") }
        })
        #expect(attempts.contains("2019-01-11T00:00+08:00 #1"), "the day was evaluated again: \(attempts)")
        #expect(attempts.count == 6, "five days, one of them twice: \(attempts)")
        #expect(got == after)
        AlertStateTests.expectWellFormed(got.joined(separator: "\n"))
    }

    @Test("a writer adds values for hours already replayed: what was reported for them stands (no hour is revisited); later hours are judged on the new state; every episode still opens once and closes once")
    func lateValuesForHoursReplayed() throws {
        let original = try Self.copy(), streamed = try Self.copy()
        var originalTimes: [Hour] = []
        let before = try Self.replay(original, each: { originalTimes.append($0.hour) })
        let late = Self.hour("2019-01-11", 8) ... Self.hour("2019-01-11", 23)
        var committed = false
        var times: [Hour] = []
        let got = try Self.replay(streamed, each: { event in
            times.append(event.hour)
            // The first report of 01-11 is handed on once 01-11 is evaluated: its hours are then replayed.
            guard !committed, event.hour >= Self.hour("2019-01-11", 0) else { return }
            committed = true
            do { try Self.commit(streamed, late, value: 900) } catch { Issue.record("commit: \(error)") }
        })
        #expect(committed)
        // Everything reported for 01-10 and 01-11 was judged before the commit, and stands.
        let cut = Self.hour("2019-01-12", 0)
        let reported = times.firstIndex { $0 >= cut } ?? times.count
        let originalReported = originalTimes.firstIndex { $0 >= cut } ?? originalTimes.count
        #expect(reported == originalReported && Array(got.prefix(reported)) == Array(before.prefix(originalReported)),
                "reports of the hours replayed before the commit are those of the original store")
        #expect(Array(got.dropFirst(reported)) != Array(before.dropFirst(originalReported)),
                "the hours after the commit were judged on the new values (24-hour means over 01-11)")
        #expect(times == times.sorted(), "reports in hour order")
        AlertStateTests.expectWellFormed(got.joined(separator: "\n"))
    }

    @Test("a commit moves the hourly ring past hours the replay has still to evaluate: it stops with replayOutrun, saying which hours, and the reports handed on until then are exactly the original's")
    func ringMovesPastTheReplay() throws {
        let directory = TestPaths.temporaryDirectory("haze-replay-outrun")
        let files = TestPaths.cnemcFiles.filter { name in (10...12).contains { name.contains(String(format: "201901%02d", $0)) } }
        #expect(InProcess(["init", "--store", directory, "--hours", "72", "--days", "8"]).status == 0)
        #expect(InProcess(["ingest", "--quiet", "--store", directory, "--stations", TestPaths.stations] + files).status == 0)
        let original = try Self.replay(directory)
        var committed = false
        var handed: [String] = []
        do {
            _ = try Self.replay(directory, each: { event in
                handed.append(Self.line(event))
                guard !committed else { return }
                committed = true
                // Three days ahead: the 72-hour ring then holds 01-13 … 15 only.
                do { try Self.commit(directory, Self.hour("2019-01-15", 0) ... Self.hour("2019-01-15", 0), value: 50) } catch {
                    Issue.record("commit: \(error)")
                }
            })
            Issue.record("the replay went on over hours the ring no longer holds")
        } catch let error as AlertRunError {
            guard case .replayOutrun(let next, let last, let window) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(next == "2019-01-11T00:00+08:00" && last == "2019-01-12T23:00+08:00")
            #expect(window == "2019-01-12T01:00+08:00 … 2019-01-15T00:00+08:00")
            #expect(error.description.contains("the reports before 2019-01-11T00:00+08:00 stand"))
        }
        let firstDay = original.prefix { line in line.contains("\"time\":\"2019-01-10T") }
        #expect(!firstDay.isEmpty && handed == Array(firstDay))
    }
}
