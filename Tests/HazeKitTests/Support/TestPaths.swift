import Foundation
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

/// Where the tests find data, scripts and the built `haze` binary.
enum TestPaths {
    /// The package root.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let fixtures = root + "/Tests/Fixtures"
    static let scripts = root + "/Tests/Scripts"
    static let stations = root + "/stations"

    /// The shared data directory (`shared/data`) beside this checkout or one
    /// of its parents (a worktree sits one level deeper), if there is one.
    static let sharedData: String? = {
        var url = URL(fileURLWithPath: root)
        for _ in 0 ..< 3 {
            url.deleteLastPathComponent()
            let candidate = url.path + "/shared/data"
            if FileManager.default.fileExists(atPath: candidate + "/cnemc/china_sites_20190101.csv") { return candidate }
        }
        return nil
    }()

    /// The 59 CNEMC day files: the originals in ../shared/data when this
    /// checkout sits beside them, else the bundled PM-only copy (the same rows
    /// for PM2.5 and PM10, gzip-compressed) so the suite runs anywhere.
    static let cnemc: String = sharedData.map { $0 + "/cnemc" } ?? fixtures + "/cnemc"

    /// The two cnemc-hourly snapshot files (2026-10-09 T00 and T05), when the shared data are there.
    static let cnemcHourly: String? = sharedData.map { $0 + "/cnemc-hourly" }

    /// True when the CNEMC files hold all six pollutants (the originals), false
    /// for the bundled PM-only copy.
    static let cnemcHasGases: Bool = {
        guard let first = cnemcFiles.first, !first.hasSuffix(".gz"),
              let text = try? String(contentsOfFile: first, encoding: .utf8) else { return false }
        return text.contains(",SO2,")
    }()

    /// Non-empty cells of the six pollutants' rows in the 59 files (counted
    /// with a Python one-liner over the files): all six pollutants in the
    /// originals, PM2.5 and PM10 in the bundled copy.
    static var cnemcValues: Int { cnemcHasGases ? 11_716_459 : 3_757_034 }

    static var cnemcFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cnemc)) ?? [])
            .filter { $0.hasPrefix("china_sites_") }.sorted().map { cnemc + "/" + $0 }
    }

    /// The `haze` executable built next to this test binary.
    static let haze: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test binary may sit inside a bundle directory.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("haze").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return root + "/.build/debug/haze"
    }()

    /// One directory for everything this test run writes, removed when the
    /// run ends. `TMPDIR` (and `HAZE_CACHE`) point into it, so the `haze` processes
    /// and Python scripts the tests start leave their temporary files there too.
    static let runRoot: String = {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let path = (base.hasSuffix("/") ? base : base + "/") + "haze-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        setenv("TMPDIR", path + "/", 1)
        // The registry images of the `haze` processes tests start stay in the run's root too.
        setenv("HAZE_CACHE", path + "/registry-cache", 1)
        RunRootCleanup.path = path
        atexit { RunRootCleanup.remove() }
        return path
    }()

    /// A new empty temporary directory inside the run's root.
    static func temporaryDirectory(_ label: String = "haze-test") -> String {
        let path = runRoot + "/\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let beijingAssessmentStations = ["1001A", "1003A", "1004A", "1005A", "1006A", "1007A",
                                            "1008A", "1009A", "1010A", "1011A", "1012A"]
    static let beijingStations = ["1001A", "1002A"] + beijingAssessmentStations.dropFirst()
}

/// Removes the run's root at exit (set once, before any test writes there),
/// after killing the servers the tests started and did not stop: a server
/// kept by a static fixture is never deinitialised, and would outlive the
/// run, serving from a directory that is gone.
enum RunRootCleanup {
    private static let location = Mutex<String?>(nil)
    private static let servers = Mutex<Set<Int32>>([])

    /// A long-lived child to kill at exit unless `forget` is called first.
    static func killAtExit(_ pid: Int32) { _ = servers.withLock { $0.insert(pid) } }
    static func forget(_ pid: Int32) { _ = servers.withLock { $0.remove(pid) } }

    static var path: String? {
        get { location.withLock { $0 } }
        set { location.withLock { $0 = newValue } }
    }

    static func remove() {
        for pid in servers.withLock({ $0 }) {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        guard let path, !ProcessInfo.processInfo.environment.keys.contains("HAZE_KEEP_TEST_FILES") else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
