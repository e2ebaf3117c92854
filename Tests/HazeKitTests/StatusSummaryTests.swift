import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore

/// `haze status` in O(1): the summary a writer records beside the write
/// sequence gives exactly what walking the row directories gives, and is
/// never used once the rings changed after it.
@Suite("Status summary", .onTestThreads)
struct StatusSummaryTests {
    /// A store of two CNEMC day files, ingested by `haze ingest`.
    static func ingested(_ name: String) throws -> String {
        let store = TestPaths.temporaryDirectory(name) + "/store"
        let run = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations] + Array(TestPaths.cnemcFiles.prefix(2)))
        try #require(run.status == 0, "\(run.stderr)")
        return store
    }

    static func fields(_ s: StoreStatus) -> [String] {
        [s.firstHourWithData.map { "\($0.index)" } ?? "-", s.firstDayWithData.map { "\($0)" } ?? "-",
         "\(s.hourlyValues)", "\(s.dailyValues)", "\(s.newestHour.map { "\($0.index)" } ?? "-")"]
            + Pollutant.allCases.map { s.coverage[$0].map { String($0) } ?? "-" }
    }

    @Test("after an ingest, status reads the recorded summary and prints what walking the row directories prints")
    func summaryEqualsWalk() throws {
        let store = try Self.ingested("status-summary")
        let opened = try Store(directory: store, access: .readOnly)
        let recorded = try #require(WriteSequence.forReader(directory: store)?.statusSummary, "the ingest recorded no summary")
        #expect(recorded.describes(opened))
        var walked = StatusSummary.scan(opened)
        walked.stamp = recorded.stamp
        #expect(recorded == walked)
        #expect(recorded.hourlyCounts.reduce(0, +) > 0 && recorded.firstHourWithData != nil)
        #expect(Self.fields(StoreStatus(store: opened)) == Self.fields(StoreStatus(store: opened, useSummary: false)))

        let withSummary = InProcess(["status", "--store", store, "--format", "json"])
        let metrics = InProcess(["status", "--store", store, "--format", "prometheus"])
        // Damage the summary (its stamp): status walks the directories and must print the same.
        let seq = try MappedFile(openingExisting: store + "/seq", writable: true)
        seq.setU64(StatusSummary.offset, 12345)
        #expect(WriteSequence.forReader(directory: store)?.statusSummary == nil)
        let walking = InProcess(["status", "--store", store, "--format", "json"])
        #expect(withSummary.status == 0 && walking.status == 0)
        #expect(withSummary.stdout == walking.stdout)
        #expect(metrics.stdout == InProcess(["status", "--store", store, "--format", "prometheus"]).stdout)
        #expect(withSummary.stdout.contains("\"coverage\""))
    }

    @Test("a write after the summary makes it stale: status counts the new value, never the old figures")
    func staleAfterWrite() throws {
        let store = try Self.ingested("status-stale")
        let before = StoreStatus(store: try Store(directory: store, access: .readOnly))
        do {
            let writer = try Store(directory: store, access: .readWrite)
            let newest = try #require(writer.newestHour)
            let series = try #require(writer.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
            let report = try writer.write([StoredReading(series: series, hour: newest.advanced(by: 1), value: 42)])
            #expect(report.stored == 1)
        }
        #expect(WriteSequence.forReader(directory: store)?.statusSummary == nil, "a write moved the sequence past the summary")
        let after = StoreStatus(store: try Store(directory: store, access: .readOnly))
        #expect(after.hourlyValues == before.hourlyValues + 1)
        #expect(after.newestHour == before.newestHour.map { $0.advanced(by: 1) })
        // The next run records it again.
        try Store(directory: store, access: .readWrite).recordStatusSummary()
        let again = try #require(WriteSequence.forReader(directory: store)?.statusSummary)
        #expect(again.hourlyCounts.reduce(0, +) == after.hourlyValues)
    }
}
