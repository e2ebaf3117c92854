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

/// Runs a `haze` command in this process and captures what it prints.
struct InProcess {
    var status: Int32
    var stdout: String
    var stderr: String

    init(_ arguments: [String], workingDirectory: String = TestPaths.root, environment: [String: String] = [:]) {
        let console = Console.capturing()
        let context = CommandContext(console: console, environment: environment, workingDirectory: workingDirectory)
        status = HazeCLI.run(arguments, context: context)
        stdout = console.output
        stderr = console.errors
    }
}
