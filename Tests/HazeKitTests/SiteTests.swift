import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI

/// `haze site`: every link resolves (an independent link checker), a second
/// run with no new data rewrites nothing, one new hour rewrites only the
/// pages whose bytes it changes, and the directory and its files are guarded.
@Suite("Static site", .onTestThreads, .serialized)
struct SiteTests {
    /// Every file of a directory with its modification time (ns) and inode.
    static func files(_ directory: String) -> [String: (mtime: Int, inode: UInt64, bytes: [UInt8])] {
        var result: [String: (Int, UInt64, [UInt8])] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            let full = directory + "/" + relative
            guard lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let mtime = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
            result[relative] = (mtime, UInt64(info.st_ino), Array(FileManager.default.contents(atPath: full) ?? Data()))
        }
        return result
    }

    static func site(_ out: String, store: String = SharedStore.national.directory, _ extra: [String] = []) -> InProcess {
        InProcess(["site", "--out", out, "--city", "北京", "--store", store, "--stations", TestPaths.stations] + extra)
    }

    @Test("the site has every page, no broken relative link, no link elsewhere, no script; a second run rewrites nothing")
    func linksAndSecondRun() async throws {
        let out = TestPaths.temporaryDirectory("haze-site") + "/site"
        let first = Self.site(out)
        #expect(first.status == 0, "\(first.stderr)")
        let before = Self.files(out)
        let expected = ["index.html", "alerts.html", "city.html", "months/2019-01.html", "months/2019-02.html", "years/2019.html",
                        "districts/朝阳区.html", "districts/怀柔区.html", "stations/1001A.html", "stations/1003A.html", ".haze-site.json"]
        for page in expected { #expect(before[page] != nil, "\(page) is written") }
        // 1002A 定陵 is a control point: never ranked, so it has no ranking unit page.
        #expect(before["stations/1002A.html"] == nil)
        let htmlPages: Int = 1 + 1 + 1 + 2 + 1 + 8 + 11
        #expect(before.keys.filter { $0.hasSuffix(".html") }.count == htmlPages)
        for (path, file) in before where path.hasSuffix(".html") {
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(!text.contains("<script") && !text.contains("http://") && !text.contains("https://"), "\(path) is self-contained")
        }
        let check = try #require(try await Processes.python("link_check.py", [out]) as? [String: Any])
        #expect((check["broken"] as? [String]) == [], "broken links: \(check["broken"] ?? "")")
        #expect((check["external"] as? [String]) == [], "links elsewhere: \(check["external"] ?? "")")
        #expect((check["links"] as? Int ?? 0) > 100)

        let second = Self.site(out)
        #expect(second.status == 0)
        #expect(second.stderr.contains("0 made again, 0 written, 0 removed; 0 month(s) ranked"), "\(second.stderr)")
        let after = Self.files(out)
        #expect(Set(after.keys) == Set(before.keys))
        for (path, file) in before {
            #expect(after[path]?.mtime == file.mtime && after[path]?.inode == file.inode, "\(path) was not rewritten")
        }
    }

    @Test("--level station: the months ranked by station, a page per station and none per district, no broken link, every station page linked from the index; a second run rewrites nothing")
    func stationLevel() async throws {
        let out = TestPaths.temporaryDirectory("haze-site-station") + "/site"
        let first = Self.site(out, ["--level", "station"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("site: 北京, station level: 17 pages, 17 made again, 17 written, 0 removed"), "\(first.stderr)")
        let before = Self.files(out)
        // The eleven assessment stations; 1002A, the control point, is listed apart in the rankings and has no page.
        let stations = (1...12).filter { $0 != 2 }.map { String(format: "stations/%04dA.html", 1000 + $0) }
        let pages = Set(before.keys.filter { $0.hasSuffix(".html") })
        #expect(pages == Set(["index.html", "alerts.html", "city.html", "months/2019-01.html", "months/2019-02.html", "years/2019.html"] + stations))
        let index = String(decoding: before["index.html"]?.bytes ?? [], as: UTF8.self)
        for page in stations { #expect(index.contains("href=\"\(page)\""), "the index links \(page)") }
        #expect(!index.contains("districts/"), "no link to a district page")
        let month = String(decoding: before["months/2019-01.html"]?.bytes ?? [], as: UTF8.self)
        #expect(month.contains("北京市各站点"), "the month ranks the city's stations")
        let check = try #require(try await Processes.python("link_check.py", [out]) as? [String: Any])
        #expect((check["broken"] as? [String]) == [], "broken links: \(check["broken"] ?? "")")
        #expect((check["external"] as? [String]) == [], "links elsewhere: \(check["external"] ?? "")")
        #expect((check["pages"] as? Int) == 17)

        let second = Self.site(out, ["--level", "station"])
        #expect(second.status == 0)
        #expect(second.stderr.contains("0 made again, 0 written, 0 removed; 0 month(s) ranked"), "\(second.stderr)")
        let after = Self.files(out)
        #expect(Set(after.keys) == Set(before.keys))
        for (path, file) in before {
            #expect(after[path]?.mtime == file.mtime && after[path]?.inode == file.inode, "\(path) was not rewritten")
        }
    }

    @Test("changing the level of a site: district pages are removed at station level, and no link is left broken")
    func levelChange() async throws {
        let out = TestPaths.temporaryDirectory("haze-site-relevel") + "/site"
        #expect(Self.site(out).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/districts/朝阳区.html"))
        let run = Self.site(out, ["--level", "station"])
        #expect(run.status == 0 && run.stderr.contains("8 removed"), "\(run.stderr)")
        let pages = Self.files(out).keys.filter { $0.hasSuffix(".html") }
        #expect(pages.filter { $0.hasPrefix("districts/") }.isEmpty && pages.count == 17, "\(pages.sorted())")
        let check = try #require(try await Processes.python("link_check.py", [out]) as? [String: Any])
        #expect((check["broken"] as? [String]) == [], "broken links: \(check["broken"] ?? "")")
    }

    @Test("one new hour of one station rewrites exactly the pages whose bytes change: that station, its district, the city; not the others")
    func oneNewHour() throws {
        let root = TestPaths.temporaryDirectory("haze-site-hour")
        let store = root + "/store"
        try FileManager.default.copyItem(atPath: SharedStore.national.directory, toPath: store)
        let out = root + "/site"
        #expect(Self.site(out, store: store).status == 0)
        let before = Self.files(out)
        // 1001A (西城区) has no PM2.5 value at 2019-02-28 16:00; give it one, as a late file would.
        let csv = root + "/late.csv"
        try "station,time,pollutant,value\n1001A,2019-02-28T16:00+08:00,PM2.5,99\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let ingest = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, "--format", "long-csv", csv])
        #expect(ingest.status == 0 && (ingest.stdout + ingest.stderr).contains("stored 1,"), "\(ingest.stdout) \(ingest.stderr)")
        let run = Self.site(out, store: store)
        #expect(run.status == 0, "\(run.stderr)")
        let after = Self.files(out)
        var rewritten: Set<String> = [], changed: Set<String> = []
        for (path, file) in before where path != ".haze-site.json" {
            let now = try #require(after[path])
            if now.mtime != file.mtime || now.inode != file.inode { rewritten.insert(path) }
            if now.bytes != file.bytes { changed.insert(path) }
        }
        #expect(rewritten == changed, "a page is written if and only if its bytes changed")
        for page in ["stations/1001A.html", "districts/西城区.html", "city.html"] {
            #expect(rewritten.contains(page), "\(page) shows the new hour")
        }
        // Pages that do not depend on 1001A's hour are left alone.
        for page in ["index.html", "alerts.html", "months/2019-01.html", "stations/1003A.html", "districts/朝阳区.html", "districts/怀柔区.html"] {
            #expect(!rewritten.contains(page), "\(page) is untouched")
        }
        #expect(rewritten.count <= 6, "\(rewritten.sorted())")
        // The February ranking was made again (its inputs changed) but its published figures did not: not written.
        #expect(run.stderr.contains("1 month(s) ranked") || run.stderr.contains("2 month(s) ranked"), "\(run.stderr)")
    }

    @Test("the alerts page shows the open episodes of the city's subjects with the messages of their latest logged reports")
    func alertsPage() throws {
        let root = TestPaths.temporaryDirectory("haze-site-alerts")
        let store = root + "/store"
        try FileManager.default.copyItem(atPath: BoundsStore.directory, toPath: store)
        let state = try AlertJournal(storeDirectory: store).loadState()
        let open = state.open.filter { $0.subject.hasPrefix("10") || $0.subject.hasPrefix("北京") }
        #expect(!open.isEmpty, "the bounds store's alert run left open episodes")
        let out = root + "/site"
        let run = Self.site(out, store: store)
        #expect(run.status == 0, "\(run.stderr)")
        let page = try String(contentsOfFile: out + "/alerts.html", encoding: .utf8)
        let reports = AlertJournal(storeDirectory: store).latestReports(for: open, zone: .beijing)
        #expect(reports.count == open.count, "every open episode's report is found in the log")
        for report in reports.values {
            #expect(page.contains(HTMLText.escape(report.messageZH)), "\(report.rule) \(report.subject)")
        }
        #expect(page.contains("未结束的告警 \(open.count) 条"))
    }

    @Test("a directory with other files and no site manifest is refused (64), a page path taken by a link or FIFO is refused, nothing is written")
    func guardedDirectory() throws {
        let root = TestPaths.temporaryDirectory("haze-site-guard")
        let foreign = root + "/foreign"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "mine".write(toFile: foreign + "/index.html", atomically: true, encoding: .utf8)
        let refused = Self.site(foreign)
        #expect(refused.status == 64 && refused.stderr.contains("holds no haze site"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: foreign + "/index.html", encoding: .utf8) == "mine")
        #expect(!FileManager.default.fileExists(atPath: foreign + "/.haze-site.json"))

        let out = root + "/site"
        #expect(Self.site(out).status == 0)
        let target = root + "/elsewhere.html"
        try "other".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: out + "/city.html")
        try FileManager.default.createSymbolicLink(atPath: out + "/city.html", withDestinationPath: target)
        let linked = Self.site(out)
        #expect(linked.status == 64 && linked.stderr.contains("is not a regular file"), "\(linked.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "other", "the link's target is untouched")
    }
}
