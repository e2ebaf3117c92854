import HazeCLI

#if canImport(Glibc)
import Glibc
#endif

let status = HazeCLI.run(Array(CommandLine.arguments.dropFirst()), context: CommandContext(console: .standard()))
exit(status)
