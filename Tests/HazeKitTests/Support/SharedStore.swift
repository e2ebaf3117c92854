import Foundation
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

/// One store with all 59 CNEMC files ingested through `haze ingest`, built
/// once per test run and shared (read-only) by the tests over real data.
enum SharedStore {
    struct Built: Sendable {
        var directory: String
        var ingestOutput: String
        var ingestErrors: String
    }

    static let national: Built = {
        let directory = TestPaths.temporaryDirectory("haze-shared")
        let run = InProcess(["ingest", "--store", directory, "--stations", TestPaths.stations, TestPaths.cnemc])
        precondition(run.status == 0, "shared ingest failed: \(run.stderr)")
        return Built(directory: directory, ingestOutput: run.stdout, ingestErrors: run.stderr)
    }()

    static func open() throws -> Store {
        try Store(directory: national.directory, access: .readOnly)
    }

    static let registry: StationRegistry = {
        (try? StationRegistry.load(directory: TestPaths.stations)) ?? StationRegistry()
    }()
}
