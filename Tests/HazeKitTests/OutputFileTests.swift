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

/// `--out` never replaces what it does not own: regular files atomically
/// (mode kept), links followed, devices and FIFOs written through, the rest
/// refused. (Issue 11, group 5.)
@Suite("--out: one writer that never replaces special files", .onTestThreads, .serialized)
struct OutputFileTests {
    /// A store with a whole valid month to rank (the shared national store, read only).
    static var store: String { SharedStore.national.directory }

    static func rank(out: String) -> InProcess {
        InProcess(["rank", "--store", store, "--stations", TestPaths.stations, "--month", "2019-01", "--city", "北京",
                   "--format", "csv", "--out", out])
    }

    static var expected: String {
        InProcess(["rank", "--store", store, "--stations", TestPaths.stations, "--month", "2019-01", "--city", "北京",
                   "--format", "csv"]).stdout
    }

    static func kind(_ path: String, follow: Bool = false) -> mode_t {
        var info = stat()
        guard (follow ? stat(path, &info) : lstat(path, &info)) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test("a FIFO is written through, never replaced")
    func fifo() throws {
        let fifo = TestPaths.temporaryDirectory("haze-out-fifo") + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Open the reading end first (non-blocking), so the writer's open returns at once.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let run = Self.rank(out: fifo)
        #expect(run.status == 0, "\(run.stderr)")
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        #expect(Self.kind(fifo) == S_IFIFO, "still a FIFO")
        #expect(String(decoding: received, as: UTF8.self) == Self.expected)
    }

    @Test("a symbolic link is followed: its target is written (atomically, mode kept) and the link stays")
    func symlink() throws {
        let directory = TestPaths.temporaryDirectory("haze-out-link")
        let target = directory + "/report.csv"
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        #expect(chmod(target, 0o640) == 0)
        #expect(Foundation.symlink("report.csv", directory + "/latest.csv") == 0)
        let run = Self.rank(out: directory + "/latest.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.kind(directory + "/latest.csv") == S_IFLNK, "the link is still a link")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == Self.expected)
        #expect(Self.mode(target) == 0o640)
        // A link to a file not there yet creates it.
        #expect(Foundation.symlink(directory + "/new.csv", directory + "/dangling") == 0)
        #expect(Self.rank(out: directory + "/dangling").status == 0)
        #expect(Self.kind(directory + "/dangling") == S_IFLNK && Self.kind(directory + "/new.csv") == S_IFREG)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: directory))?.contains { $0.contains(".tmp") } == false)
    }

    @Test("a 0600 file keeps its mode; a new file gets the usual one")
    func modeKept() throws {
        let directory = TestPaths.temporaryDirectory("haze-out-mode")
        let path = directory + "/private.csv"
        try "old".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0)
        #expect(Self.rank(out: path).status == 0)
        #expect(Self.mode(path) == 0o600 && Self.kind(path) == S_IFREG)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.expected)
        #expect(Self.rank(out: directory + "/fresh.csv").status == 0)
        let umaskValue = umask(0o022)
        umask(umaskValue)
        #expect(Self.mode(directory + "/fresh.csv") == 0o666 & ~umaskValue)
    }

    @Test("/dev/null (and any character device) is written through and is still a character device afterwards")
    func nullDevice() throws {
        // A null device of our own (mknod needs root); /dev/null itself when it is one.
        let directory = TestPaths.temporaryDirectory("haze-out-null")
        var devices: [String] = []
        if mknod(directory + "/null", S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 { devices.append(directory + "/null") }
        if Self.kind("/dev/null") == S_IFCHR { devices.append("/dev/null") }
        if devices.isEmpty {
            Issue.record("no character device to test with: not root (mknod refused) and /dev/null is not a character device on this machine")
        }
        for device in devices {
            let run = Self.rank(out: device)
            #expect(run.status == 0, "\(device): \(run.stderr)")
            #expect(Self.kind(device) == S_IFCHR, "\(device) is still a character device")
        }
        // Through a link too (/dev/stdout-style).
        if let device = devices.first {
            #expect(Foundation.symlink(device, directory + "/sink") == 0)
            #expect(Self.rank(out: directory + "/sink").status == 0)
            #expect(Self.kind(directory + "/sink") == S_IFLNK && Self.kind(device) == S_IFCHR)
        }
    }

    @Test("a directory is refused with a message, and left as it was")
    func directoryRefused() throws {
        let directory = TestPaths.temporaryDirectory("haze-out-dir")
        let run = Self.rank(out: directory)
        #expect(run.status == 64 && run.stderr.contains("is a directory"), "\(run.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(Self.kind(directory) == S_IFDIR && left.isEmpty)
    }

    @Test("the writer itself: outcomes and refusals")
    func writer() throws {
        let directory = TestPaths.temporaryDirectory("haze-out-writer")
        #expect(try OutputFile.write(Array("a".utf8), to: directory + "/a.txt") == .replaced(path: directory + "/a.txt"))
        let fifo = directory + "/p"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        #expect(try OutputFile.write(Array("b".utf8), to: fifo) == .wroteThrough(path: fifo))
        #expect(throws: OutputFile.Failure.self) { try OutputFile.write([], to: directory) }
        #expect(throws: OutputFile.Failure.self) { try OutputFile.write([], to: directory + "/missing/x.txt") }
    }
}
