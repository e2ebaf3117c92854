import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore
@testable import HazeAssessment
@testable import HazeCLI

/// After the hourly ring has gone round, hours it no longer holds are not
/// answered as empty rows: the query says so, points at the daily values and
/// exits 66. (Issue 18: silent loss of view.)
@Suite("Hours the hourly ring no longer holds", .onTestThreads)
struct HoursNotHeldTests {
    /// A 48-hour ring over nine day files: the first week's hours have left it, its days have not.
    static let store: String = {
        let store = TestPaths.temporaryDirectory("haze-hours-gone")
        _ = InProcess(["init", "--store", store, "--hours", "48", "--days", "100"])
        _ = InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations] + Array(TestPaths.cnemcFiles.prefix(9)))
        return store
    }()

    static func query(_ extra: [String]) -> InProcess {
        InProcess(["query", "--store", store, "--stations", TestPaths.stations, "--station", "1001A", "--pollutant", "pm2.5"] + extra)
    }

    @Test("an hour before the window: exit 66, the window and the daily ring named, nothing printed as data")
    func refused() throws {
        let run = Self.query(["--resolution", "hour", "--from", "2019-01-02", "--to", "2019-01-02"])
        #expect(run.status == 66, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("no longer in the hourly ring, which keeps the newest 48 hours"), "\(run.stderr)")
        #expect(run.stderr.contains("--resolution day"), "\(run.stderr)")
        // The days are still there, from the daily ring, with values.
        let days = Self.query(["--resolution", "day", "--from", "2019-01-02", "--to", "2019-01-02", "--format", "csv"])
        #expect(days.status == 0, "\(days.stderr)")
        let row = try #require(days.stdout.split(separator: "\n").dropFirst().first)
        #expect(row.split(separator: ",", omittingEmptySubsequences: false)[3].isEmpty == false, "a daily value: \(row)")
    }

    @Test("hours inside the window are answered as before")
    func inside() throws {
        let run = Self.query(["--resolution", "hour", "--from", "2019-01-09", "--to", "2019-01-09", "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 25)
    }
}
