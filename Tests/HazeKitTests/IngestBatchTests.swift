import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest

/// `haze ingest` parses its sources in parallel and writes consecutive ones
/// as one batch (one window move, one roll-up per day, one set of syncs).
/// The reference is the one-source-at-a-time path every other caller
/// (`haze pull`, `haze rebuild`) takes: a run must leave the same bytes in
/// the rings and the quarantine, and report the same counts per source,
/// whether its batches could be written as one or had to fall back.
@Suite("Ingest: a run's batched, parallel write equals writing its files one by one", .onTestThreads)
struct IngestBatchTests {
    let registry = SharedStore.registry

    static func day(_ n: Int) -> String {
        TestPaths.fixtures + "/cnemc/china_sites_201901\(n < 10 ? "0" : "")\(n).csv.gz"
    }

    /// The store written by `IngestRun` (batched) and by `Ingester.ingest` per file.
    typealias Outcome = (batched: [SourceReport], single: [SourceReport], difference: [String],
                         writes: (batched: UInt64, single: UInt64))

    /// `compare` off Swift Testing's pool (a run's writer waits on its parse threads).
    func both(_ runs: [[String]], configuration: StoreConfiguration = .standard,
              options: IngestOptions = IngestOptions()) async throws -> Outcome {
        try await OffPool.run { () throws -> Outcome in
            try compare(runs, configuration: configuration, options: options)
        }
    }

    func compare(_ runs: [[String]], configuration: StoreConfiguration,
                 options: IngestOptions) throws -> (batched: [SourceReport], single: [SourceReport], difference: [String],
                                                                  writes: (batched: UInt64, single: UInt64)) {
        let batchedDirectory = TestPaths.temporaryDirectory("haze-batch")
        let singleDirectory = TestPaths.temporaryDirectory("haze-single")
        var batched: [SourceReport] = []
        var single: [SourceReport] = []
        do {
            let store = try Store(directory: batchedDirectory, access: .readWrite, creating: configuration)
            for paths in runs {
                batched += try IngestRun(store: store, registry: registry, options: options).run(paths).sources
            }
        }
        do {
            let store = try Store(directory: singleDirectory, access: .readWrite, creating: configuration)
            let ingester = Ingester(store: store, registry: registry, options: options)
            for paths in runs {
                for path in paths { single.append(try ingester.ingest(.file(path))) }
            }
        }
        // The write sequence's counter counts writes, and the log is the run's: neither is data.
        func data(_ directory: String) -> StoreSnapshot {
            var snapshot = StoreSnapshot(directory)
            for name in ["seq", "lock", "ingest.log"] { snapshot.files[name] = nil }
            return snapshot
        }
        let a = data(batchedDirectory), b = data(singleDirectory)
        // Each write makes the sequence odd and even again: fewer writes, fewer window moves and syncs.
        let writes = ((WriteSequence.forReader(directory: batchedDirectory)?.value ?? 0) / 2,
                      (WriteSequence.forReader(directory: singleDirectory)?.value ?? 0) / 2)
        // (No #expect here: this runs on a thread of its own, outside the test's task.)
        let missing = ["hourly.ring", "daily.ring"].filter { a.files[$0] == nil }.map { "\($0) missing" }
        return (batched, single, missing + a.difference(from: b), writes)
    }

    func expectSameCounts(_ a: [SourceReport], _ b: [SourceReport]) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.source == y.source)
            let counts: [Int] = [x.stored, x.unchanged, x.corrected, x.quarantined, x.flagged, x.valuesRead]
            let expected: [Int] = [y.stored, y.unchanged, y.corrected, y.quarantined, y.flagged, y.valuesRead]
            #expect(counts == expected, "\(x.source)")
            #expect(x.quarantineFile.map { ($0 as NSString).lastPathComponent }
                    == y.quarantineFile.map { ($0 as NSString).lastPathComponent })
            #expect(x.notes == y.notes)
        }
    }

    @Test("18 day files in order (two batches), then again (all unchanged): same rings, quarantine and counts")
    func inOrder() async throws {
        let files = (1 ... 18).map(Self.day)
        let result = try await both([files, files])
        #expect(result.difference.isEmpty, "differ: \(result.difference)")
        expectSameCounts(result.batched, result.single)
        #expect(result.batched.prefix(18).allSatisfy { $0.stored > 0 && $0.unchanged == 0 })
        #expect(result.batched.suffix(18).allSatisfy { $0.stored == 0 && $0.unchanged > 0 })
        // Written as batches of up to 16 files, not file by file (2 × 18 writes and the series' additions).
        #expect(result.writes.batched < result.writes.single / 4, "\(result.writes)")
    }

    @Test("PM2.5 above PM10 is flagged in the file that has it, with its line, as one by one")
    func flagsPerFile() async throws {
        let directory = TestPaths.temporaryDirectory("haze-batch-flags")
        // 1001A: PM2.5 60 > PM10 40 at 2019-01-01 00:00 (line 2); 1002A fine.
        // The next day's file: 1002A 80 > 70 at 01:00 (line 4), and a stray
        // unparseable cell that goes to that file's quarantine.
        let first = "date,hour,type,1001A,1002A\n20190101,0,PM2.5,60,20\n20190101,0,PM10,40,30\n20190101,1,PM2.5,10,20\n20190101,1,PM10,40,30\n"
        let second = "date,hour,type,1001A,1002A\n20190102,0,PM2.5,10,20\n20190102,0,PM10,40,30\n20190102,1,PM2.5,10,80\n20190102,1,PM10,x,70\n"
        let paths = [directory + "/a.csv", directory + "/b.csv"]
        try Data(first.utf8).write(to: URL(fileURLWithPath: paths[0]))
        try Data(second.utf8).write(to: URL(fileURLWithPath: paths[1]))
        let result = try await both([paths])
        #expect(result.difference.isEmpty, "differ: \(result.difference)")
        expectSameCounts(result.batched, result.single)
        #expect(result.batched.map(\.flagged) == [1, 1])
        #expect(result.batched.map(\.quarantined) == [0, 1])
        #expect(result.batched.map(\.stored) == [8, 7])
    }

    @Test("files out of order and one twice in a batch (overlapping hours: written one by one)")
    func outOfOrderAndRepeated() async throws {
        let files = [12, 3, 7, 7, 1, 20, 15].map(Self.day)
        let result = try await both([files])
        #expect(result.difference.isEmpty, "differ: \(result.difference)")
        expectSameCounts(result.batched, result.single)
        #expect(result.batched[3].unchanged == result.batched[2].stored)
    }

    @Test("a small hourly window: later files push earlier ones out, and files older than the window are refused")
    func refusedByTheWindow() async throws {
        // Five days of hours: day 12 moves the window past days 1–7, so the
        // later files for those days are refused as too old, one by one.
        let configuration = StoreConfiguration(hourlyCapacity: 5 * 24, dailyCapacity: 64)
        let files = [1, 2, 3, 12, 4, 5, 13, 14].map(Self.day)
        let result = try await both([files], configuration: configuration)
        #expect(result.difference.isEmpty, "differ: \(result.difference)")
        expectSameCounts(result.batched, result.single)
        #expect(result.batched[4].quarantined > 0 && result.batched[4].stored == 0)
    }

    @Test("a jump beyond the window policy in the middle of a batch is refused as one by one")
    func jumpRefused() async throws {
        let options = IngestOptions(windowPolicy: WindowPolicy(maximumJumpHours: 2 * 24))
        let files = [1, 2, 3, 9, 4, 10].map(Self.day)
        let result = try await both([files], options: options)
        #expect(result.difference.isEmpty, "differ: \(result.difference)")
        expectSameCounts(result.batched, result.single)
        #expect(result.batched[3].quarantined > 0)
    }
}
