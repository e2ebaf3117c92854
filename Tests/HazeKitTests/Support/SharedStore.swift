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

/// One store with all 59 CNEMC files ingested through `haze ingest`, built
/// once per test run and shared (read-only) by the tests over real data.
enum SharedStore {
    struct Built: Sendable {
        var directory: String
        var ingestOutput: String
        var ingestErrors: String
    }

    /// Why the shared store or registry could not be made.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The shared store's ring sizes: the sample's 59 days of hours with room
    /// to spare, and two calendar years of days (a year's ranking with last
    /// year's beside it asks for 730). With haze's defaults (420 and 4096
    /// days) a national store is half a gigabyte, written in full when
    /// created, and every test that builds a store to compare with this one
    /// would pay that.
    static let capacity = ["--hours", "\(90 * 24)", "--days", "800"]

    /// Creates an empty store at `directory` with the shared store's ring sizes.
    static func initialise(_ directory: String) -> InProcess {
        InProcess(["init", "--store", directory] + capacity)
    }

    /// A new empty store with the shared store's ring sizes, for a test that
    /// fills it with the sample (and may compare it with another such store).
    static func emptyStore(_ label: String) -> String {
        let directory = TestPaths.temporaryDirectory(label)
        let created = initialise(directory)
        if created.status != 0 { Issue.record(Comment(rawValue: "haze init \(directory) failed: \(created.stderr)")) }
        return directory
    }

    /// Built once; a failure is kept and fails every test that asks for it
    /// (the process and the other tests carry on).
    private static let built: Result<Built, Failure> = {
        let directory = TestPaths.temporaryDirectory("haze-shared")
        let created = initialise(directory)
        guard created.status == 0 else { return .failure(Failure(description: "haze init of the shared store failed (exit \(created.status)): \(created.stderr)")) }
        let run = InProcess(["ingest", "--store", directory, "--stations", TestPaths.stations, TestPaths.cnemc])
        guard run.status == 0 else { return .failure(Failure(description: "the shared ingest failed (exit \(run.status)): \(run.stderr)")) }
        return .success(Built(directory: directory, ingestOutput: run.stdout, ingestErrors: run.stderr))
    }()

    /// The shared store. If it could not be built, the calling test fails with
    /// the reason and gets a directory that does not exist (never another store).
    static var national: Built {
        switch built {
        case .success(let built): return built
        case .failure(let failure):
            Issue.record(Comment(rawValue: failure.description))
            return Built(directory: "/nonexistent/haze-shared-store-failed", ingestOutput: "", ingestErrors: failure.description)
        }
    }

    static func open() throws -> Store {
        if case .failure(let failure) = built { throw failure }
        return try Store(directory: national.directory, access: .readOnly)
    }

    private static let loadedRegistry: Result<StationRegistry, Failure> = {
        do {
            return .success(try StationRegistry.load(directory: TestPaths.stations))
        } catch {
            return .failure(Failure(description: "the shipped registry \(TestPaths.stations) does not load: \(error)"))
        }
    }()

    /// The shipped registry. If it does not load, the calling test fails with
    /// the reason; it never silently stands in an empty registry.
    static var registry: StationRegistry {
        switch loadedRegistry {
        case .success(let registry): return registry
        case .failure(let failure):
            Issue.record(Comment(rawValue: failure.description))
            return StationRegistry()
        }
    }
}
