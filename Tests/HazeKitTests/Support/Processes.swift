import Foundation
import Synchronization

/// Runs programs for tests: the Python reference and the `haze` binary.
/// Every wait (pipe reads, `waitUntilExit`) happens off Swift Testing's
/// cooperative pool, through `OffPool`.
enum Processes {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion and captures both streams, off the pool.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    currentDirectory: String? = nil) async throws -> Output {
        try await OffPool.run { () throws -> Output in
            try runBlocking(executable, arguments, environment: environment, currentDirectory: currentDirectory)
        }
    }

    /// The same, blocking: only for code already off the pool (inside `OffPool.run`).
    static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                            currentDirectory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return finish(process, out: out, err: err)
    }

    /// Reads both streams to their ends concurrently (stderr on a thread of
    /// its own, so a child filling either pipe cannot block), then waits for
    /// the exit. Blocking: call it only off the pool (inside `OffPool.run`).
    static func finish(_ process: Process, out: Pipe, err: Pipe) -> Output {
        let errData = StreamRead(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errBytes = errData.wait()
        let exit = waitForExit(process)
        return Output(status: exit.status, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBytes, as: UTF8.self))
    }

    /// Waits for `process` to end with `waitpid` and returns its exit status (or
    /// the signal that ended it). Blocking: call it only off the pool.
    ///
    /// Not `Process.waitUntilExit`: on Linux, Foundation learns of a child's
    /// end when a socket inherited by the child closes, and a child spawned at
    /// the same moment by another test thread can inherit that socket too
    /// (swiftlang/swift-corelibs-foundation#4795); the wait then lasts as long
    /// as the other child — a server living for a whole suite — and with
    /// several test threads the waits can close a circle and never end.
    static func waitForExit(_ process: Process) -> (status: Int32, signalled: Bool) {
        var status: Int32 = 0
        while true {
            let reaped = waitpid(process.processIdentifier, &status, 0)
            if reaped == process.processIdentifier {
                let signal = status & 0x7f
                return signal == 0 ? ((status >> 8) & 0xff, false) : (signal, true)
            }
            if reaped == -1 && errno == EINTR { continue }
            // Foundation reaped it first (its socket closed in time): it knows the status.
            process.waitUntilExit()
            return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
        }
    }

    /// True once `process` has ended, without reaping it (`waitid` with
    /// `WNOWAIT`): `Process.isRunning` can stay true long after (see `waitForExit`).
    static func hasExited(_ process: Process) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            return !process.isRunning // already reaped (by Foundation)
        }
        // si_pid is the first field after si_signo, si_errno, si_code: non-zero once it has ended.
        return withUnsafeBytes(of: &info) { $0.load(fromByteOffset: 16, as: Int32.self) } != 0
    }

    /// `python3 Tests/Scripts/<script> …`, decoded as JSON.
    static func python(_ script: String, _ arguments: [String]) async throws -> Any {
        let result = try await run("/usr/bin/env", ["python3", TestPaths.scripts + "/" + script] + arguments)
        guard result.status == 0 else {
            throw NSError(domain: "python", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Runs `haze` with arguments.
    static func haze(_ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        try await run(TestPaths.haze, arguments, environment: environment)
    }
}

/// One pipe read to its end on a thread of its own.
final class StreamRead: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let data = Mutex(Data())

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let bytes = handle.readDataToEndOfFile()
            data.withLock { $0 = bytes }
            done.signal()
        }
    }

    /// The bytes, once the writer closed the pipe (blocking).
    func wait() -> Data {
        done.wait()
        return data.withLock { $0 }
    }
}
