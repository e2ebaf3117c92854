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

/// Replays every input under Tests/Fixtures/fuzz-regressions/<target>/ — the
/// crashes Tests/Fuzz/run.sh finds are copied there, next to hand-written
/// hostile inputs — through the same entry points and properties the fuzzer checks.
@Suite("Fuzz regressions", .onTestThreads)
struct FuzzRegressionTests {
    static let directory = TestPaths.fixtures + "/fuzz-regressions"

    static func inputs(_ target: FuzzTarget) -> [String] {
        let dir = directory + "/" + target.rawValue
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }

    @Test(arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let files = Self.inputs(target)
        #expect(!files.isEmpty, "no regression inputs for \(target.rawValue)")
        for file in files {
            let bytes = try #require(FileManager.default.contents(atPath: file))
            #expect(target.violations([UInt8](bytes)).isEmpty, "\(file)")
        }
    }

    /// The hostile rule files must be refused with a message naming the rule and field,
    /// not accepted with nonsense values.
    @Test func hostileRuleFilesAreRefusedWithTheField() {
        for file in Self.inputs(.rules) {
            guard let bytes = FileManager.default.contents(atPath: file) else { Issue.record("unreadable \(file)"); continue }
            do {
                _ = try RuleSet.parse(data: [UInt8](bytes), file: file)
                Issue.record("accepted \(file)")
            } catch {
                #expect(error.description.contains(file), "\(error)")
            }
        }
    }

    /// Out-of-range readings in the hostile CSVs are rejected with a reason, and the good rows kept.
    @Test func hostileWideCSVKeepsOnlyInRangeValues() throws {
        let bytes = try #require(FileManager.default.contents(atPath: Self.directory + "/wide/huge-values.csv"))
        let registry = StationRegistry(stations: [Station(code: "1001A", name: "s", city: "c", district: "d")])
        let context = ParseContext(source: "huge-values.csv", zone: .beijing, latestHour: Hour(600_000),
                                   registry: registry, unknownStations: .quarantine)
        let batch = CNEMCWideParser().parse([UInt8](bytes), context: context)
        // Every value in this file is out of range or not a number: none may be stored,
        // and each is rejected with its line.
        #expect(batch.readings.isEmpty)
        #expect(batch.rejections.map(\.line) == [2, 3, 4, 5, 6, 7])
    }
}
