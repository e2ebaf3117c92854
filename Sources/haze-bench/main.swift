import Foundation

// haze-bench: measures haze's own work in a release build. Never a unit test:
// timings belong here, where they are reported, not asserted.
//
//   haze-bench ingest|open|query|rank|alert|replay|… [options]   (haze-bench --help)

let arguments = Array(CommandLine.arguments.dropFirst())
let exitCode = Bench.main(arguments)
exit(exitCode)
