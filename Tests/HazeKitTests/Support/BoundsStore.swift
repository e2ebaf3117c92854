import Foundation
@testable import HazeModel
@testable import HazeStore
@testable import HazeCLI

/// A small store for the tests of refused input (Beijing's stations from three
/// CNEMC day files, 2019-01-10 … 12, and one alert run so that alerts/state.json exists),
/// built once per test run. Tests that refuse a command compare a
/// `StoreSnapshot` before and after: a refused command changes nothing.
enum BoundsStore {
    static let directory: String = {
        let directory = TestPaths.temporaryDirectory("haze-bounds")
        let files = TestPaths.cnemcFiles.filter { file in ["20190110", "20190111", "20190112"].contains { file.contains($0) } }
        // Beijing's stations only: small rings, so a snapshot before and after each command is cheap.
        let beijing = TestPaths.temporaryDirectory("haze-bounds-stations")
        try? FileManager.default.copyItem(atPath: TestPaths.stations + "/beijing.csv", toPath: beijing + "/beijing.csv")
        let ingest = InProcess(["ingest", "--quiet", "--store", directory, "--stations", beijing, "--unknown-stations", "skip"] + files)
        precondition(ingest.status == 0, "bounds store ingest failed: \(ingest.stderr)")
        let alert = InProcess(["alert", "--store", directory, "--stations", TestPaths.stations, "--city", "北京"])
        precondition(alert.status <= 2, "bounds store alert failed: \(alert.stderr)")
        return directory
    }()

    /// Runs a command on the store (with --store and, where the command takes it, --stations)
    /// and returns it with what changed in the store. Relative paths are read from `workingDirectory`.
    static func run(_ arguments: [String], environment: [String: String] = [:],
                    workingDirectory: String = TestPaths.root) -> (run: InProcess, changed: [String]) {
        let before = StoreSnapshot(directory)
        var line = arguments + ["--store", directory]
        let options = HazeCLI.commands.first { $0.spec.name == arguments.first }?.spec.options.map(\.name) ?? []
        if options.contains("--stations") && !arguments.contains("--stations") { line += ["--stations", TestPaths.stations] }
        let run = InProcess(line, workingDirectory: workingDirectory, environment: environment)
        return (run, StoreSnapshot(directory).difference(from: before))
    }
}
