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
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBytes, as: UTF8.self))
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
