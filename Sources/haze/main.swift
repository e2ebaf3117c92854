import HazeCLI

#if canImport(Glibc)
import Glibc
#endif

// Over a file-size limit (ulimit -f) the kernel would kill the process with
// SIGXFSZ, silently; ignored, the write fails with EFBIG and haze says so.
signal(SIGXFSZ, SIG_IGN)
let status = HazeCLI.run(Array(CommandLine.arguments.dropFirst()), context: CommandContext(console: .standard()))
exit(status)
