import Foundation
import HazeKit

// haze-bench: measures haze's own work in a release build. Never a unit test:
// timings belong here, where they are reported, not asserted.
//
//   haze-bench ingest [--data DIR] [--stations DIR] [--repeat N]
//
// Each subcommand prints wall time (min/median/max over --repeat runs),
// throughput and peak RSS.

let arguments = Array(CommandLine.arguments.dropFirst())
let exitCode = Bench.main(arguments)
exit(exitCode)
