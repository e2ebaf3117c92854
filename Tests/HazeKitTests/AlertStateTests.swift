import Foundation
import Testing
import Synchronization
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

/// The alert state under ordinary misuse: filtered runs, `--at` typos and
/// look-backs, damaged files, a stopped feed, a run stopped mid-commit — each
/// a regression test for issue 11 group 7.
@Suite("Alerts: state per subject, --at within the data, damage and repair, data stopped, exactly-once run", .onTestThreads, .serialized)
struct AlertStateTests {
    // MARK: Real data: a small national store of 2019-01-10 … 14

    static func store() throws -> String { try FiveDayStore.copy("haze-alert-state") }

    static func alert(_ store: String, _ arguments: [String]) -> InProcess {
        InProcess(["alert", "--store", store, "--stations", TestPaths.stations, "--rules", TestPaths.root + "/alerts",
                   "--format", "ndjson"] + arguments)
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Report lines as objects.
    static func reports(_ ndjson: String) -> [[String: Any]] {
        ndjson.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// What identifies a report, without the texts that carry a peak.
    static func keys(_ ndjson: String) -> [String] {
        reports(ndjson).map { "\($0["time"]!) \($0["event"]!) \($0["rule"]!) \($0["subject"]!) \($0["level"]!) since \($0["since"]!)" }
    }

    static func log(_ store: String) -> String {
        (try? String(contentsOfFile: store + "/alerts/alerts.ndjson", encoding: .utf8)) ?? ""
    }

    /// Every episode opens once before it closes, and closes no earlier than it opened.
    static func expectWellFormed(_ ndjson: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var open: [String: String] = [:]
        for report in reports(ndjson) {
            let key = "\(report["rule"]!)|\(report["subject"]!)"
            let time = report["time"] as? String ?? "", since = report["since"] as? String ?? ""
            switch report["event"] as? String {
            case "opened":
                #expect(open[key] == nil, "\(key) opened twice (\(time))", sourceLocation: sourceLocation)
                open[key] = since
            case "closed":
                #expect(open[key] == since, "\(key) closed at \(time) without being open since \(since)", sourceLocation: sourceLocation)
                #expect(time >= since, "\(key): negative duration (\(since) → \(time))", sourceLocation: sourceLocation)
                open[key] = nil
            default:
                #expect(open[key] == since, "\(key) reported at \(time) while not open", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: 1. State per subject

    @Test("a --city run evaluates and advances only its subjects: the next national run reports every other subject's hours in between, and no episode of another city is dropped")
    func filteredRunTouchesOnlyItsSubjects() throws {
        let filtered = try Self.store(), national = try Self.store()
        let journal = AlertJournal(storeDirectory: filtered)
        for at in ["2019-01-12T00:00+08:00", "2019-01-12T03:00+08:00"] {
            #expect(Self.alert(filtered, ["--at", at]).status <= 2)
            #expect(Self.alert(national, ["--at", at]).status <= 2)
        }
        let before = try journal.loadState()
        let elsewhere = before.open.filter { !$0.subject.hasPrefix("北京") && !TestPaths.beijingStations.contains($0.subject) }
        #expect(elsewhere.count > 300, "episodes open in other cities: \(elsewhere.count)")
        // Two runs for Beijing alone…
        for at in ["2019-01-12T06:00+08:00", "2019-01-12T09:00+08:00"] {
            let run = Self.alert(filtered, ["--city", "北京", "--at", at])
            #expect(run.status <= 2, "\(run.stderr)")
            #expect(Self.reports(run.stdout).allSatisfy { ($0["city"] as? String) == "北京" })
        }
        let after = try journal.loadState()
        #expect(after.open.filter { elsewhere.contains($0) } == elsewhere, "every other city's open episode kept as it was")
        #expect(after.dataCursors.cursor(of: "station:1001A") == Self.hour("2019-01-12", 9).index)
        #expect(after.dataCursors.cursor(of: "station:1015A") == Self.hour("2019-01-12", 3).index, "Tianjin: still 03:00")
        // …then a national run: Tianjin & co. get 04:00 … 12:00, Beijing 10:00 … 12:00.
        #expect(Self.alert(filtered, ["--at", "2019-01-12T12:00+08:00"]).status <= 2)
        #expect(Self.alert(national, ["--at", "2019-01-12T12:00+08:00"]).status <= 2)
        // The same reports, line for line, as national runs alone (only their order differs).
        let got = Self.log(filtered).split(separator: "\n").sorted()
        let expected = Self.log(national).split(separator: "\n").sorted()
        #expect(got.count == expected.count && got.count > 1000)
        #expect(got == expected)
        #expect(try journal.loadState() == AlertJournal(storeDirectory: national).loadState())
        Self.expectWellFormed(Self.log(filtered))
    }

    @Test("cursors: an unfiltered run leaves one shared hour; a filtered run lists only the subjects it moved")
    func cursorsStayCompact() {
        var cursors = SubjectCursors(all: 10)
        cursors.advance(["city:北京": 12, "station:1001A": 12], complete: false)
        #expect(cursors.all == 10 && cursors.subjects == ["city:北京": 12, "station:1001A": 12])
        #expect(cursors.cursor(of: "city:天津") == 10 && cursors.cursor(of: "city:北京") == 12)
        cursors.advance(["city:北京": 12, "station:1001A": 12, "city:天津": 12], complete: true)
        #expect(cursors == SubjectCursors(all: 12))
        // A subject ahead of an unfiltered run keeps its own hour; one no longer watched is forgotten.
        cursors = SubjectCursors(all: 10, subjects: ["city:北京": 15, "city:旧城": 9])
        cursors.advance(["city:北京": 15, "city:天津": 12, "city:上海": 12], complete: true)
        #expect(cursors == SubjectCursors(all: 12, subjects: ["city:北京": 15]))
    }

    // MARK: 2. --at only within the data

    @Test("--at after the newest data or before a subject's cursor is refused (64) and changes nothing; a typo year never silences later runs; --dry-run may look anywhere")
    func atWithinTheData() throws {
        let typo = try Self.store(), clean = try Self.store()
        let state = typo + "/alerts/state.json"
        for store in [typo, clean] { #expect(Self.alert(store, ["--at", "2019-01-12T06:00+08:00"]).status <= 2) }
        let before = (Self.bytes(state), Self.log(typo))
        // A typo year.
        let future = Self.alert(typo, ["--at", "2091-01-01T00:00+08:00"])
        #expect(future.status == 64)
        #expect(future.stderr.contains("after the store's newest hour 2019-01-14T23:00+08:00") && future.stderr.contains("--dry-run"),
                "\(future.stderr)")
        // Going backwards, for everyone or for one city.
        for arguments in [["--at", "2019-01-12T03:00+08:00"], ["--city", "北京", "--at", "2019-01-11T23:00+08:00"]] {
            let back = Self.alert(typo, arguments)
            #expect(back.status == 64)
            #expect(back.stderr.contains("already evaluated") && back.stderr.contains("2019-01-12T06:00+08:00"), "\(back.stderr)")
        }
        // Looking, without touching anything.
        let lookBack = Self.alert(typo, ["--at", "2019-01-12T03:00+08:00", "--dry-run"])
        #expect(lookBack.status <= 2 && !Self.reports(lookBack.stdout).isEmpty && lookBack.stderr.contains("as a first run would"))
        let lookAhead = Self.alert(typo, ["--at", "2091-01-01T00:00+08:00", "--dry-run"])
        #expect(lookAhead.status == 2 && Self.keys(lookAhead.stdout).contains { $0.contains("feed-stopped-national") })
        #expect((Self.bytes(state), Self.log(typo)) == before, "refused and dry runs changed the alert state or log")
        // A run "now" in the future of the system clock is refused too.
        #expect(Self.alert(typo, ["--now", "2091-01-01T00:00+08:00"]).status == 64)
        // The next ordinary run reports exactly what it would have without the typos.
        let now = ["--now", "2019-01-12T18:00+08:00"]
        let next = Self.alert(typo, now), reference = Self.alert(clean, now)
        #expect(Self.reports(next.stdout).count > 300)
        #expect(next.stdout == reference.stdout && next.status == reference.status)
        #expect(Self.bytes(state) == Self.bytes(clean + "/alerts/state.json") && Self.log(typo) == Self.log(clean))
        Self.expectWellFormed(Self.log(typo))
    }

    @Test("the episode tracker ignores an hour before an episode's last report: no negative duration, no second opening")
    func trackerNeverGoesBack() throws {
        let rule = try #require(try RuleSet.parse(data: Array("""
            {"campaign":"t","rules":[{"id":"t","kind":"threshold","pollutant":"pm2.5","hours":1,"threshold":100,
             "message":{"zh":"{name}","en":"{name}"}}]}
            """.utf8), file: "t.json").rules.first)
        let subject = AlertSubject(key: "S1", scope: .station, name: "一号", city: "测试", district: "", stations: [])
        let open = OpenEpisode(rule: "t", subject: "S1", since: 100, level: 0, reportedLevel: 0, lastReported: 110, peak: 150, facts: [:])
        var tracker = EpisodeTracker(open: [open]) { _ in EpisodeTracker.key(rule: 0, subject: 0) }
        let zone = LocalZone.beijing
        #expect(tracker.observe(rule, position: 0, subject, .inactive, at: Hour(95), zone: zone) == nil)
        #expect(tracker.observe(rule, position: 0, subject, .active(level: 0, value: 200, facts: [:]), at: Hour(105), zone: zone) == nil)
        #expect(tracker.open == [open])
        let closed = tracker.observe(rule, position: 0, subject, .inactive, at: Hour(111), zone: zone)
        #expect(closed?.kind == .closed && closed?.since == Hour(100))
    }

    // MARK: Format 1 → 2

    @Test("a state file written by the previous haze (format 1) is upgraded in place: episodes, cursor and outbox kept; runs continue exactly as if the state had been per-subject all along")
    func upgradesFormatOne() throws {
        let upgraded = try Self.store(), reference = try Self.store()
        try FileManager.default.createDirectory(atPath: upgraded + "/alerts", withIntermediateDirectories: true)
        for name in ["state.json", "alerts.ndjson"] {
            try FileManager.default.copyItem(atPath: TestPaths.fixtures + "/alert-state-v1/" + name, toPath: upgraded + "/alerts/" + name)
        }
        let journal = AlertJournal(storeDirectory: upgraded)
        let (old, version) = try journal.load()
        #expect(version == 1 && old.open.count == 13 && old.dataCursors == SubjectCursors(all: Self.hour("2019-01-12", 6).index))
        #expect(old.outbox[Webhook.receiverID]?.count == 1)
        // The same history with this haze: three Beijing runs (the fixture's README).
        for at in ["04", "05", "06"] {
            #expect(Self.alert(reference, ["--city", "北京", "--at", "2019-01-12T\(at):00+08:00"]).status <= 2)
        }
        #expect(old.open.sorted(by: OpenEpisode.precedes) == (try AlertJournal(storeDirectory: reference).loadState()).open,
                "format 1 episodes are this haze's")
        #expect(Self.log(upgraded) == Self.log(reference))
        let check = InProcess(["check", "--store", upgraded, "--stations", TestPaths.stations])
        #expect(check.status == 0 && check.stderr.contains("format 1"), "\(check.stdout)\(check.stderr)")
        // Continue both.
        let next = Self.alert(upgraded, ["--city", "北京", "--at", "2019-01-12T12:00+08:00"])
        #expect(next.stderr.contains("upgraded from format 1 to 2"))
        let expected = Self.alert(reference, ["--city", "北京", "--at", "2019-01-12T12:00+08:00"])
        #expect(next.stdout == expected.stdout && !Self.reports(next.stdout).isEmpty)
        let text = try String(contentsOfFile: upgraded + "/alerts/state.json", encoding: .utf8)
        #expect(text.hasPrefix("{\"bytes\":") && text.contains("\"format\":\"haze-alert-state\",\"version\":2"))
        let state = try journal.loadState(), referenceState = try AlertJournal(storeDirectory: reference).loadState()
        #expect(state.outbox[Webhook.receiverID]?.count == 1, "the undelivered report still waits for the webhook")
        #expect(state.open == referenceState.open)
        for key in ["station:1001A", "district:北京/朝阳区", "city:北京"] {
            #expect(state.dataCursors.cursor(of: key) == referenceState.dataCursors.cursor(of: key))
        }
    }

    // MARK: 3. Damage is seen and repaired

    /// Ways a state file gets damaged, each with words its message must contain.
    static let damages: [(name: String, damage: @Sendable (String) throws -> Void, says: String)] = [
        ("empty", { try Data().write(to: URL(fileURLWithPath: $0)) }, "empty file"),
        ("truncated", { path in
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        }, "truncated"),
        ("garbage", { try Data("\u{1}\u{2}PK garbage\n".utf8).write(to: URL(fileURLWithPath: $0)) }, "not a haze alert file"),
        ("a changed byte", { path in
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            data[data.count * 2 / 3] ^= 0x01
            try data.write(to: URL(fileURLWithPath: path))
        }, "checksum mismatch"),
        ("a changed header", { path in
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            data[10] = data[10] == UInt8(ascii: "9") ? UInt8(ascii: "8") : UInt8(ascii: "9")   // a digit of "bytes"
            try data.write(to: URL(fileURLWithPath: path))
        }, "header says"),
        ("appended bytes", { path in
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("{\"x\":1}\n".utf8))
            try handle.close()
        }, "appended"),
        ("deleted", { try FileManager.default.removeItem(atPath: $0) }, "missing, while alerts.ndjson holds"),
    ]

    @Test("an empty, truncated, garbage, changed or deleted state.json stops the run with its path and cause, never a silent reset; `haze check` reports it")
    func damageIsSeen() throws {
        let store = try Self.store()
        #expect(Self.alert(store, ["--at", "2019-01-12T06:00+08:00"]).status <= 2)
        let path = store + "/alerts/state.json"
        let good = try #require(Self.bytes(path))
        let log = Self.log(store)
        for (name, damage, says) in Self.damages {
            try good.write(to: URL(fileURLWithPath: path))
            try damage(path)
            let damaged = Self.bytes(path)
            let run = Self.alert(store, ["--at", "2019-01-12T08:00+08:00"])
            #expect(run.status == 65, "\(name): \(run.status)")
            #expect(run.stderr.contains(path) && run.stderr.contains(says) && run.stderr.contains("haze check --repair"),
                    "\(name): \(run.stderr)")
            #expect(Self.bytes(path) == damaged && Self.log(store) == log, "\(name): the run changed the damaged state or the log")
            let check = InProcess(["check", "--store", store, "--stations", TestPaths.stations])
            #expect(check.status == 65 && check.stdout.contains("problem: \(path)") && check.stdout.contains(says),
                    "\(name): \(check.stdout)")
            let report = AlertStateCheck(storeDirectory: store).verify()
            #expect(report.problems.map(\.path) == [path], "\(name)")
        }
        // A torn last line of the log (a disk that lost the end of a write) is damage too.
        try good.write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store + "/alerts/alerts.ndjson"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"time\":\"2019-01-12T07:00+08:00\",\"ev".utf8))
        try handle.close()
        let report = AlertStateCheck(storeDirectory: store).verify()
        #expect(report.problems.map(\.cause) == [.tornLastLine(line: log.split(separator: "\n").count + 1)])
    }

    @Test("`haze check --repair` rebuilds a damaged or deleted state from the log without reporting or sending anything, keeps the damaged file, says what it could not restore; the next run reports what an undamaged state would")
    func repairRebuildsFromTheLog() throws {
        let store = try Self.store(), reference = try Self.store()
        for at in ["2019-01-12T00:00+08:00", "2019-01-12T06:00+08:00"] {
            #expect(Self.alert(store, ["--at", at]).status <= 2)
            #expect(Self.alert(reference, ["--at", at]).status <= 2)
        }
        let expected = Self.alert(reference, ["--at", "2019-01-12T12:00+08:00"])
        let path = store + "/alerts/state.json"
        let good = try #require(Self.bytes(path))
        let log = Self.log(store)
        for (name, damage, _) in Self.damages where ["a changed byte", "deleted"].contains(name) {
            try good.write(to: URL(fileURLWithPath: path))
            try damage(path)
            let repair = InProcess(["check", "--store", store, "--stations", TestPaths.stations, "--rules", TestPaths.root + "/alerts", "--repair"])
            #expect(repair.status == 0, "\(name): \(repair.stdout)")
            #expect(repair.stdout.contains("rebuilt \(path) from") && repair.stdout.contains("nothing was reported or sent"))
            #expect(repair.stdout.contains("not restored: the outbox") && !repair.stdout.contains("check: alert state OK"),
                    "\(name): a lossy repair must say what it lost, never OK: \(repair.stdout)")
            #expect(Self.log(store) == log, "\(name): the repair reported something")
            if name == "a changed byte" {
                let kept = try FileManager.default.contentsOfDirectory(atPath: store + "/alerts").filter { $0.hasPrefix("state.json.damaged-") }
                #expect(kept.count == 1, "the damaged file is kept")
            }
            #expect(InProcess(["check", "--store", store, "--stations", TestPaths.stations]).status == 0)
            // The next run: the same reports (peaks since the last report aside) as from the undamaged state.
            let next = Self.alert(store, ["--at", "2019-01-12T12:00+08:00"])
            #expect(Self.keys(next.stdout) == Self.keys(expected.stdout), "\(name)")
            #expect(next.status == expected.status)
            Self.expectWellFormed(Self.log(store))
            // Back to before the next run for the second kind of damage.
            try Data(log.utf8).write(to: URL(fileURLWithPath: store + "/alerts/alerts.ndjson"))
        }
    }

    @Test("repair cuts a torn last line of the log aside, and moves cursors a --at typo of an older haze left in the future back to the last report")
    func repairLogAndFutureCursors() throws {
        let store = try Self.store()
        #expect(Self.alert(store, ["--at", "2019-01-12T06:00+08:00"]).status <= 2)
        let logPath = store + "/alerts/alerts.ndjson"
        let log = Self.log(store)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"time\":\"2019-01-12T07:00+08:00\",\"ev".utf8))
        try handle.close()
        // What `haze alert --at 2091-…` did before: the shared cursor in the future.
        let journal = AlertJournal(storeDirectory: store)
        var state = try journal.loadState()
        state.dataCursors = SubjectCursors(all: 1_000_000)
        try journal.save(state)
        let opened = try Store(directory: store, access: .readOnly)
        let problems = AlertStateCheck(storeDirectory: store).verify(store: opened).problems
        #expect(problems.count == 2 && problems.contains { $0.reason.contains("after the store's newest hour") })
        let repaired = try AlertStateCheck(storeDirectory: store).repair(store: opened, registry: SharedStore.registry, rules: nil)
        #expect(repaired.after.isHealthy, "\(repaired.after.problems)")
        #expect(Self.log(store) == log, "the torn line moved aside, the rest kept")
        #expect(try journal.loadState().dataCursors == SubjectCursors(all: Self.hour("2019-01-12", 6).index), "back to the last report")
        #expect(repaired.lost.contains { $0.contains("could not be read") })
        let next = Self.alert(store, ["--at", "2019-01-12T08:00+08:00"])
        #expect(next.status <= 2 && Self.reports(next.stdout).allSatisfy { ($0["time"] as? String ?? "") > "2019-01-12T06" })
    }

    @Test("a state whose data cursor is after the newest data (its checksum made to match) stops `haze alert` with its path and cause instead of skipping that subject's hours; `check --repair` moves it back (found by the damage harness)")
    func cursorPastTheDataStopsTheRun() throws {
        let store = try Self.store()
        #expect(Self.alert(store, ["--at", "2019-01-12T06:00+08:00"]).status <= 2)
        let journal = AlertJournal(storeDirectory: store)
        var state = try journal.loadState()
        // One subject's cursor an hour after the store's newest hour: before, the run
        // evaluated every other subject and skipped this one's hours in silence.
        let newest = try #require(try Store(directory: store, access: .readOnly).newestHour)
        state.dataCursors.subjects["station:1001A"] = newest.index + 1
        try journal.save(state)
        let damaged = Self.bytes(journal.statePath)
        let log = Self.log(store)
        for arguments in [["--at", "2019-01-12T08:00+08:00"], ["--now", "2019-01-15T00:00+08:00"], ["--dry-run"]] {
            let run = Self.alert(store, arguments)
            #expect(run.status == 65, "\(arguments): \(run.status) \(run.stdout)")
            #expect(run.stderr.contains(journal.statePath) && run.stderr.contains("after the store's newest hour")
                    && run.stderr.contains("haze check --repair"), "\(arguments): \(run.stderr)")
            #expect(Self.bytes(journal.statePath) == damaged && Self.log(store) == log, "\(arguments): nothing changed")
        }
        let repair = InProcess(["check", "--store", store, "--stations", TestPaths.stations, "--rules", TestPaths.root + "/alerts", "--repair"])
        #expect(repair.status == 0 && repair.stdout.contains("moved 1 data cursor(s)"), "\(repair.stdout)")
        #expect(Self.alert(store, ["--at", "2019-01-12T08:00+08:00"]).status <= 2)
    }

    @Test("a rebuilt state says when it cannot know an open episode's peak: the hours after its last report have left the hourly ring (found by the damage harness: the closing report then gave a lower peak, unannounced)")
    func repairNamesPeaksItCannotKnow() throws {
        let directory = TestPaths.temporaryDirectory("haze-alert-peak")
        let t = Self.hour("2019-03-01", 12)
        let rules = try RuleSet.parse(data: Array("""
            {"campaign":"air","rules":[{"id":"high","kind":"threshold","pollutant":"pm2.5","hours":1,"threshold":100,
             "severity":"warning","message":{"zh":"{name} {value}","en":"{name} {value}"}}]}
            """.utf8), file: "air.json")
        func run(_ directory: String, at now: Hour) throws -> AlertRunResult {
            try AlertRun(storeDirectory: directory, registry: Self.registry, rules: rules, clock: .fixed(now)).perform(.init())
        }
        func write(_ directory: String, _ station: String, from start: Hour, _ values: [Int?]) throws {
            try Self.write(try Store(directory: directory, access: .readWrite), station, from: start, values)
        }
        func repair(_ directory: String) throws -> AlertStateCheck.Repair {
            try FileManager.default.removeItem(atPath: AlertJournal(storeDirectory: directory).statePath)
            let store = try Store(directory: directory, access: .readOnly)
            return try AlertStateCheck(storeDirectory: directory).repair(store: store, registry: Self.registry, rules: rules)
        }
        _ = try Store(directory: directory, access: .readWrite,
                      creating: StoreConfiguration(hourlyCapacity: 48, dailyCapacity: 60, dayConvention: .hours0to23))
        try write(directory, "A1", from: t, [150])
        #expect(try run(directory, at: t).events.map(\.kind) == [.opened])         // logged with peak 150
        try write(directory, "A1", from: t.advanced(by: 1), [300])
        #expect(try run(directory, at: t.advanced(by: 1)).events.isEmpty)           // peak 300, in the state only
        #expect(try AlertJournal(storeDirectory: directory).loadState().open.first?.peak == 300)
        // Two days later the hours of the episode have left the 48-hour ring; then the state is lost.
        try write(directory, "B1", from: t.advanced(by: 2), Array(repeating: 40, count: 54))
        let repaired = try repair(directory)
        #expect(repaired.after.isHealthy, "\(repaired.after.problems)")
        #expect(repaired.lost.contains { $0.contains("the peak since the last report of 1 open episode(s) (e.g. high/A1)") },
                "a peak the repair cannot know is named as lost: \(repaired.lost)")
        // What it names: the closing report gives the log's peak.
        try write(directory, "A1", from: t.advanced(by: 56), [50])
        #expect(try run(directory, at: t.advanced(by: 56)).events.filter { $0.kind == .closed }.map(\.peak) == [150])
        // The same episode with its hours still in the ring is refined without such a line.
        let kept = TestPaths.temporaryDirectory("haze-alert-peak-kept")
        _ = try Store(directory: kept, access: .readWrite,
                      creating: StoreConfiguration(hourlyCapacity: 24 * 30, dailyCapacity: 60, dayConvention: .hours0to23))
        try write(kept, "A1", from: t, [150])
        _ = try run(kept, at: t)
        try write(kept, "A1", from: t.advanced(by: 1), [300])
        _ = try run(kept, at: t.advanced(by: 1))
        let refined = try repair(kept)
        #expect(refined.after.isHealthy && !refined.lost.contains { $0.contains("the peak since the last report") }, "\(refined.lost)")
    }

    // MARK: 4. Data stopped arriving

    static let zone = LocalZone.beijing
    static let registry = StationRegistry(stations: [
        Station(code: "A1", name: "甲一", city: "甲市", district: ""), Station(code: "A2", name: "甲二", city: "甲市", district: ""),
        Station(code: "B1", name: "乙一", city: "乙市", district: ""),
    ])
    static let feedRules = """
        {"campaign":"health","rules":[
         {"id":"national","kind":"feed","scope":"national","hours":3,"severity":"critical","cooldown_hours":6,
          "message":{"zh":"{name} {last} {silent}","en":"{name}: last data {last}, {silent} h"}},
         {"id":"city","kind":"feed","hours":6,"severity":"warning","cooldown_hours":24,
          "message":{"zh":"{name} {last} {silent}","en":"{name}: last data {last}, {silent} h"}},
         {"id":"high","kind":"threshold","pollutant":"pm2.5","hours":1,"threshold":100,"severity":"warning",
          "message":{"zh":"{name} {value}","en":"{name} {value}"}}]}
        """

    static func hour(_ date: String, _ h: Int) -> Hour { zone.hour(day: Day(CivilDate(parsing: date)!), hourOfDay: h) }

    static func write(_ store: Store, _ station: String, from start: Hour, _ values: [Int?]) throws {
        let id = try store.resolve([SeriesKey(station: station, pollutant: .pm25)])[0]
        _ = try store.write(values.enumerated().compactMap { i, v in v.map { StoredReading(series: id, hour: start.advanced(by: i), value: $0) } })
    }

    @Test("data stopped arriving is an alert: per city and nationally, naming the hour of the last data, on an injected clock; late data are still evaluated, and the alert closes")
    func feedStopped() throws {
        let directory = TestPaths.temporaryDirectory("haze-feed")
        let t = Self.hour("2019-03-01", 12)
        do {
            let store = try Store(directory: directory, access: .readWrite,
                                  creating: StoreConfiguration(hourlyCapacity: 24 * 30, dailyCapacity: 60, dayConvention: .hours0to23))
            try Self.write(store, "A1", from: t.advanced(by: -20), Array(repeating: 50, count: 21))   // … t
            try Self.write(store, "A2", from: t.advanced(by: -20), Array(repeating: 60, count: 21))
            try Self.write(store, "B1", from: t.advanced(by: -20), Array(repeating: 40, count: 11))   // … t - 10
        }
        let rules = try RuleSet.parse(data: Array(Self.feedRules.utf8), file: "health.json")
        func run(at now: Hour) throws -> AlertRunResult {
            try AlertRun(storeDirectory: directory, registry: Self.registry, rules: rules, clock: .fixed(now)).perform(.init())
        }
        func summary(_ result: AlertRunResult) -> [String] {
            result.events.map { "\(Self.zone.format($0.hour)) \($0.kind.rawValue) \($0.ruleID) \($0.subject.key) \($0.messages["en"] ?? "")" }
        }
        // At t: 乙市 silent for 10 hours (> 6).
        let first = try run(at: t)
        #expect(summary(first) == ["2019-03-01T12:00+08:00 opened city 乙市 乙市: last data 2019-03-01T02:00+08:00, 10 h"])
        #expect(first.highestSeverity == .warning)
        // Four hours later, nothing new arrived: the whole feed has stopped (4 > 3).
        let stopped = try run(at: t.advanced(by: 4))
        #expect(summary(stopped) == ["2019-03-01T16:00+08:00 opened national 全国 全国: last data 2019-03-01T12:00+08:00, 4 h"])
        #expect(stopped.highestSeverity == .critical && stopped.dataThrough == t && stopped.newest == t)
        #expect(Set(stopped.stoppedFeeds.map(\.subject)) == ["全国", "乙市"])
        // The same hour again: nothing new, but the stop is still there (exit status 2, not 0).
        let again = try run(at: t.advanced(by: 4))
        #expect(again.events.isEmpty && again.highestSeverity == .critical && again.stoppedFeeds.count == 2)
        // The data of t+1 … t+5 arrive late, with one high hour: every data hour is evaluated, the stops close.
        do {
            let store = try Store(directory: directory, access: .readWrite)
            try Self.write(store, "A1", from: t.advanced(by: 1), [50, 150, 50, 50, 50])
            try Self.write(store, "B1", from: t.advanced(by: 1), [40, 40, 40, 40, 40])
        }
        let resumed = try run(at: t.advanced(by: 5))
        #expect(summary(resumed) == [
            "2019-03-01T14:00+08:00 opened high A1 甲一 150",
            "2019-03-01T15:00+08:00 closed high A1 [ended] 甲一: high since 2019-03-01T14:00+08:00, 1 h, peak 150",
            "2019-03-01T17:00+08:00 closed national 全国 [ended] 全国: national since 2019-03-01T16:00+08:00, 1 h, peak 4",
            "2019-03-01T17:00+08:00 closed city 乙市 [ended] 乙市: city since 2019-03-01T12:00+08:00, 5 h, peak 14",
        ])
        #expect(resumed.highestSeverity == nil && resumed.stoppedFeeds.isEmpty)
    }

    @Test("`haze alert` with no new data after the feed stopped reports it (exit 2), never 无新告警 with exit 0")
    func feedStoppedFromTheCommandLine() throws {
        let store = try Self.store()
        let common = ["--store", store, "--stations", TestPaths.stations, "--rules", TestPaths.root + "/alerts"]
        #expect(InProcess(["alert", "--now", "2019-01-15T00:00+08:00"] + common).status <= 2)
        let stopped = InProcess(["alert", "--now", "2019-01-15T06:00+08:00"] + common)
        #expect(stopped.status == 2)
        #expect(stopped.stdout.contains("全国数据已中断：最新数据为 2019-01-14T23:00+08:00，已 4 小时无新数据"), "\(stopped.stdout)")
        let quiet = InProcess(["alert", "--now", "2019-01-15T06:00+08:00"] + common)
        #expect(quiet.status == 2 && quiet.stderr.contains("data stopped arriving for 全国: newest data 2019-01-14T23:00+08:00, 7 hour(s) before"),
                "\(quiet.stderr)")
    }

    // MARK: 5. The run as a library call, exactly once

    /// A receiver that records what it was sent, and fails on request.
    final class Recorder: AlertReceiver, Sendable {
        let id = "recorder"
        let kind = "test"
        let pacing = ReceiverPacing(attempts: 1)
        let sent = Mutex<[String]>([])
        let failing = Mutex(false)
        /// One message carries the whole outbox.
        func nextMessage(_ lines: ArraySlice<String>) -> AlertMessage {
            AlertMessage(covered: lines.count, shown: lines.count, folded: 0, payload: lines.joined(separator: "\n"))
        }
        func post(_ message: AlertMessage, now: Date) -> DeliveryAnswer {
            if failing.withLock({ $0 }) { return .failed(retryable: false, detail: "HTTP 500") }
            sent.withLock { $0 += message.payload.split(separator: "\n").map(String.init) }
            return .accepted
        }
    }

    struct Stopped: Error {}

    @Test("a run stopped after any step of its commit, then run again, logs and delivers every report exactly once (a receiver may get the last batch again only if stopped after it accepted)")
    func exactlyOnce() throws {
        func history(_ stopAt: AlertRun.Step?) throws -> (log: String, state: Data?, sent: [String]) {
            let directory = TestPaths.temporaryDirectory("haze-once")
            let t = Self.hour("2019-03-01", 0)
            do {
                let store = try Store(directory: directory, access: .readWrite,
                                      creating: StoreConfiguration(hourlyCapacity: 24 * 30, dailyCapacity: 60, dayConvention: .hours0to23))
                try Self.write(store, "A1", from: t, [50, 150, 160, 40, 170, 50, 180, 190, 30])
                try Self.write(store, "B1", from: t, [120, 130, 20, 140, 20, 150, 20, 160, 20])
            }
            let rules = try RuleSet.parse(data: Array(Self.feedRules.utf8), file: "health.json")
            let recorder = Recorder()
            let options = AlertRun.Options(receivers: [recorder])
            func run(_ hour: Int, stop: AlertRun.Step? = nil) throws {
                var run = AlertRun(storeDirectory: directory, registry: Self.registry, rules: rules, clock: .fixed(t.advanced(by: hour)))
                run.interruption = { step in if step == stop { throw Stopped() } }
                _ = try run.perform(options)
            }
            try run(2)
            recorder.failing.withLock { $0 = true }
            try run(4)                                // the receiver is down: kept
            recorder.failing.withLock { $0 = false }
            if let stopAt {
                #expect(throws: (any Error).self) { try run(6, stop: stopAt) }
                try run(6)                            // cron's next run, same hour
            } else {
                try run(6)
            }
            try run(8)
            return (Self.log(directory), Self.bytes(directory + "/alerts/state.json"), recorder.sent.withLock { $0 })
        }
        let clean = try history(nil)
        #expect(clean.log.split(separator: "\n").count == 12 && Set(clean.sent) == Set(clean.log.split(separator: "\n").map(String.init)))
        #expect(clean.sent.count == 12)
        for step in [AlertRun.Step.stateSaved, .logAppended, .messageAccepted, .delivered] {
            let stopped = try history(step)
            #expect(stopped.log == clean.log, "\(step): the log differs")
            #expect(stopped.state == clean.state, "\(step): the state differs")
            #expect(Set(stopped.sent) == Set(clean.sent), "\(step): not every report delivered")
            let repeats = stopped.sent.count - clean.sent.count
            // Stopped after the receiver took a message (the 4 kept + 4 new) but before the state said so:
            // that one message again. The state is saved after every message, so a stop after
            // the deliveries repeats nothing.
            #expect(repeats == (step == .messageAccepted ? 8 : 0), "\(step): \(repeats) report(s) delivered twice")
        }
    }

    // MARK: 6. Honest concurrency

    @Test("nothing in HazeAlerts claims Sendable unchecked: AlertContext and Alerter, whose caches change without a lock, are not Sendable")
    func noUncheckedSendable() throws {
        let directory = TestPaths.root + "/Sources/HazeAlerts"
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".swift") {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            #expect(!text.contains("@unchecked Sendable"), "\(name)")
        }
        let context = try String(contentsOfFile: directory + "/AlertContext.swift", encoding: .utf8)
        #expect(context.contains("final class AlertContext {"), "AlertContext declares no Sendable conformance")
    }
}
