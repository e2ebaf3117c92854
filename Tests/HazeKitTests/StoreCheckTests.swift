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

/// `haze check`: damaged rings are reported with what is wrong, and
/// `--repair` rebuilds from raw/ or recomputes the daily ring, backup first.
@Suite("Store check and repair")
struct StoreCheckTests {
    /// A small store of three national day files, their payloads archived under raw/.
    static func store(archive: Bool = true) -> String {
        let store = TestPaths.temporaryDirectory("haze-check")
        var arguments = ["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations]
        if archive { arguments.append("--archive") }
        let run = InProcess(arguments + Array(TestPaths.cnemcFiles.prefix(3)))
        #expect(run.status == 0, "\(run.stderr)")
        return store
    }

    static func bytes(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
    }

    static func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    static func check(_ store: String, repair: Bool = false) -> InProcess {
        InProcess(["check", "--store", store, "--stations", TestPaths.stations] + (repair ? ["--repair"] : []))
    }

    static func backups(_ store: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).filter { $0.hasPrefix("backup-") }
    }

    @Test("a healthy store passes, with the number of series and days verified")
    func healthy() {
        let store = Self.store(archive: false)
        let run = Self.check(store)
        #expect(run.status == 0)
        #expect(run.stdout.contains("check: OK"))
        #expect(run.stdout.contains(", 3 with data"), "\(run.stdout)")
    }

    /// One way to damage the hourly ring, and what the report must say.
    struct Damage: Sendable, CustomStringConvertible {
        var description: String
        var expected: String
        var apply: @Sendable (String) throws -> Void
    }

    static let damages: [Damage] = [
        Damage(description: "truncated", expected: "(truncated?)") { path in
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
            #expect(truncate(path, off_t(size / 2)) == 0)
        },
        Damage(description: "wrong magic", expected: "not a haze ring file (wrong magic number)") { path in
            try patch(path, at: 0, Array("NOTHAZE!".utf8))
        },
        Damage(description: "header does not match the slots", expected: "header geometry is inconsistent") { path in
            try patch(path, at: RingHeaderField.dataOffset, [0x01, 0x10, 0, 0])  // 4097: not on a page
        },
    ]

    @Test("a damaged hourly ring is reported with its path and cause; --repair rebuilds it from raw/ with a backup",
          arguments: damages)
    func damagedHourlyRing(_ damage: Damage) throws {
        let store = Self.store()
        let hourly = store + "/" + Store.hourlyFileName
        let original = [Store.hourlyFileName, Store.dailyFileName].map { Self.bytes(store + "/" + $0) }
        try damage.apply(hourly)
        let damaged = Self.bytes(hourly)

        let report = Self.check(store)
        #expect(report.status == ExitCode.dataError.rawValue)
        #expect(report.stdout.contains(hourly) && report.stdout.contains(damage.expected), "\(report.stdout)")
        // Queries refuse it with the same message rather than answering from garbage.
        let query = InProcess(["query", "--store", store, "--stations", TestPaths.stations, "--station", "1001A"])
        #expect(query.status != 0 && query.stderr.contains(damage.expected), "\(query.stderr)")

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0, "\(repaired.stdout)\(repaired.stderr)")
        #expect(repaired.stdout.contains("OK after repair"), "\(repaired.stdout)")
        #expect(Self.bytes(hourly) == original[0], "the rebuilt hourly ring equals the original")
        #expect(Self.bytes(store + "/" + Store.dailyFileName) == original[1])
        let backups = Self.backups(store)
        #expect(backups.count == 1)
        #expect(Self.bytes(store + "/" + (backups.first ?? "") + "/" + Store.hourlyFileName) == damaged,
                "the damaged file is kept, not overwritten")
    }

    @Test("without raw payloads a damaged ring is not touched")
    func noRawNoRepair() throws {
        let store = Self.store(archive: false)
        let hourly = store + "/" + Store.hourlyFileName
        try Self.patch(hourly, at: 0, Array("NOTHAZE!".utf8))
        let damaged = Self.bytes(hourly)
        let run = Self.check(store, repair: true)
        #expect(run.status == ExitCode.dataError.rawValue)
        #expect(run.stdout.contains("raw holds no payloads to rebuild from"), "\(run.stdout)")
        #expect(Self.bytes(hourly) == damaged)
    }

    @Test("a ring from a newer haze is reported and left alone, even with --repair")
    func newerVersion() throws {
        let store = Self.store()
        let daily = store + "/" + Store.dailyFileName
        try Self.patch(daily, at: RingHeaderField.version, [9, 0, 0, 0])
        let before = Self.bytes(daily)
        let run = Self.check(store, repair: true)
        #expect(run.status == ExitCode.dataError.rawValue)
        #expect(run.stdout.contains("format version 9 is newer than this haze"), "\(run.stdout)")
        #expect(run.stdout.contains("upgrade haze"))
        #expect(Self.bytes(daily) == before)
        #expect(Self.backups(store).isEmpty)
    }

    @Test("a daily value that disagrees with the hours is found; --repair recomputes the daily ring, old one kept")
    func dailyMismatch() throws {
        let store = Self.store(archive: false)
        let daily = store + "/" + Store.dailyFileName
        let original = Self.bytes(daily)
        // The first stored daily slot: add one µg/m³ to its sum (sum << 8 | hours, little-endian).
        let dataOffset = Int(original[12]) | Int(original[13]) << 8 | Int(original[14]) << 16 | Int(original[15]) << 24
        let slot = try #require(stride(from: dataOffset, to: original.count, by: 4).first { original[$0] != 0 })
        try Self.patch(daily, at: slot + 1, [original[slot + 1] &+ 1])

        let report = Self.check(store)
        #expect(report.status == ExitCode.dataError.rawValue)
        #expect(report.stdout.contains("1 daily value(s) disagree with the hourly ring"), "\(report.stdout)")

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0, "\(repaired.stdout)")
        #expect(repaired.stdout.contains("recomputed the daily ring"))
        #expect(Self.bytes(daily) == original, "the recomputed ring equals the one ingest wrote")
        let backups = Self.backups(store)
        #expect(backups.count == 1)
        #expect(Self.bytes(store + "/" + (backups.first ?? "") + "/" + Store.dailyFileName) != original)
    }
}
