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

/// A full disk and a read-only store: a clear error naming the file, and the
/// store as it was. The disk is "filled" with a file-size limit (ulimit -f,
/// SIGXFSZ ignored so the call fails with EFBIG as it would with ENOSPC).
@Suite("Disk full and read-only store", .onTestThreads)
struct FaultTests {
    static let oneStation = """
    station,time,pollutant,value
    1001A,2019-01-01T01:00+08:00,PM2.5,10
    1001A,2019-01-01T01:00+08:00,PM10,20

    """

    /// A store holding two series, the rings narrow enough to need widening for a national file.
    static func smallStore() throws -> String {
        let store = TestPaths.temporaryDirectory("haze-fault")
        let csv = store + "-one.csv"
        try oneStation.write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations, csv]).status == 0)
        return store
    }

    static func contents(_ store: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: store)) ?? [] {
            out[name] = FileManager.default.contents(atPath: store + "/" + name)
        }
        return out
    }

    /// `haze` under a file-size limit of `kilobytes`.
    static func hazeWithFileLimit(_ kilobytes: Int, _ arguments: [String]) async throws -> Processes.Output {
        let quoted = ([TestPaths.haze] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try await Processes.run("/bin/bash", ["-c", "ulimit -f \(kilobytes); exec \(quoted.joined(separator: " "))"])
    }

    @Test("a disk that fills while the rings are widened: a clear error, the store unchanged, the next run completes")
    func diskFullWhileWidening() async throws {
        let store = try Self.smallStore()
        let before = Self.contents(store)
        let ingest = ["ingest", "--store", store, "--stations", TestPaths.stations, TestPaths.cnemcFiles[1]]
        let full = try await Self.hazeWithFileLimit(8192, ingest)
        #expect(full.status == ExitCode.ioError.rawValue)
        #expect(full.stderr.contains("hourly.ring.tmp.") && full.stderr.contains(": allocate") && full.stderr.contains("nothing was half-written"),
                "\(full.stderr)")
        let after = Self.contents(store)
        #expect(after.keys.sorted() == before.keys.sorted(), "no temporary ring left behind")
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            #expect(after[name] == before[name], "\(name) untouched")
        }
        #expect(InProcess(["check", "--store", store, "--stations", TestPaths.stations]).status == 0)
        // Space again: the same run goes through, and the first reading is still there.
        let retry = try await Processes.haze(ingest)
        #expect(retry.status == 0, "\(retry.stderr)")
        let query = InProcess(["query", "--store", store, "--stations", TestPaths.stations, "--station", "1001A",
                               "--resolution", "hour", "--from", "2019-01-01", "--to", "2019-01-01", "--format", "csv"])
        #expect(query.stdout.contains("2019-01-01T01:00+08:00,1001A,PM2.5,10,1"), "\(query.stdout)")
    }

    @Test("stdout that cannot be written (over ulimit -f, a full disk): an error saying so and exit 74, never a trap")
    func outputNotWritten() async throws {
        let file = TestPaths.temporaryDirectory("haze-stdout") + "/help.txt"
        let haze = "'" + TestPaths.haze + "'"
        // bash's `ulimit -f 1`: 1024 bytes; the help is longer. SIGXFSZ is ignored by haze itself.
        let limited = try await Processes.run("/bin/bash", ["-c", "ulimit -f 1; exec \(haze) ingest --help > '\(file)'"])
        #expect(limited.status == ExitCode.ioError.rawValue, "\(limited.status): \(limited.stderr)")
        #expect(limited.stderr.contains("haze: error: writing standard output failed: File too large — over this process's file-size limit (ulimit -f); the output is incomplete"),
                "\(limited.stderr)")
        #expect(!limited.stderr.contains("Fatal error"), "\(limited.stderr)")
        let written = try #require(FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber).intValue
        #expect(written == 1024, "the output up to the limit, then nothing more")
        let full = try await Processes.run("/bin/bash", ["-c", "exec \(haze) ingest --help > /dev/full"])
        #expect(full.status == ExitCode.ioError.rawValue, "\(full.status): \(full.stderr)")
        #expect(full.stderr.contains("writing standard output failed: No space left on device — the disk is full"), "\(full.stderr)")
        var info = stat()
        #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test("a disk full before the first ring exists leaves no store, and says so")
    func diskFullOnCreate() async throws {
        let store = TestPaths.temporaryDirectory("haze-fault-new") + "/store"
        let full = try await Self.hazeWithFileLimit(16, ["ingest", "--store", store, "--stations", TestPaths.stations,
                                                   TestPaths.cnemcFiles[0]])
        #expect(full.status == ExitCode.ioError.rawValue)
        #expect(full.stderr.contains("allocate") && full.stderr.contains("file-size limit"), "\(full.stderr)")
        #expect(!Store.exists(at: store), "no half-made store")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []
        #expect(!names.contains { $0.contains(".tmp") })
    }

    @Test("a store the user cannot write: queries answer, writers stop with the path and the reason")
    func readOnlyStore() async throws {
        let store = try Self.smallStore()
        let before = Self.contents(store)
        // As root, permissions do not bind: run as nobody instead; otherwise remove write permission.
        let asRoot = getuid() == 0
        if !asRoot {
            for name in before.keys { chmod(store + "/" + name, 0o444) }
            chmod(store, 0o555)
        }
        func haze(_ arguments: [String]) async throws -> Processes.Output {
            asRoot ? try await Processes.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestPaths.haze] + arguments)
                   : try await Processes.haze(arguments)
        }
        let query = try await haze(["query", "--store", store, "--stations", TestPaths.stations, "--station", "1001A",
                              "--resolution", "hour", "--from", "2019-01-01", "--to", "2019-01-01", "--format", "csv"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stdout.contains("1001A,PM2.5,10,1"))
        let ingest = try await haze(["ingest", "--store", store, "--stations", TestPaths.stations, TestPaths.cnemcFiles[0]])
        #expect(ingest.status == ExitCode.ioError.rawValue)
        #expect(ingest.stderr.contains(store + "/lock") && ingest.stderr.contains("Permission denied — permission denied for this user"), "\(ingest.stderr)")
        let alert = try await haze(["alert", "--store", store, "--stations", TestPaths.stations, "--rules", TestPaths.root + "/alerts"])
        #expect(alert.status == ExitCode.ioError.rawValue)
        #expect(alert.stderr.contains("Permission denied"), "\(alert.stderr)")
        if !asRoot { chmod(store, 0o755) }
        #expect(Self.contents(store) == before, "nothing in the store changed")
    }

    @Test("temporary files of writers killed before their rename are removed by the next write")
    func leftoversOfKilledWriters() async throws {
        let directory = TestPaths.temporaryDirectory("haze-leftovers")
        let target = directory + "/state.json"
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        _ = await OffPool.run { Processes.waitForExit(dead) }
        let deadLeftover = target + ".tmp.\(dead.processIdentifier)"
        let liveLeftover = target + ".tmp.1"  // pid 1 is alive: a writer still at work is left alone
        let unrelated = directory + "/other.json.tmp.\(dead.processIdentifier)"
        for path in [deadLeftover, liveLeftover, unrelated] {
            #expect(FileManager.default.createFile(atPath: path, contents: Data("{".utf8)))
        }
        try AtomicFile.write(Array("{}".utf8), to: target)
        #expect(FileManager.default.contents(atPath: target) == Data("{}".utf8))
        #expect(!FileManager.default.fileExists(atPath: deadLeftover))
        #expect(FileManager.default.fileExists(atPath: liveLeftover))
        #expect(FileManager.default.fileExists(atPath: unrelated), "only the target's own temporaries")
        try? FileManager.default.removeItem(atPath: directory)
    }
}
