import Foundation

/// Runs programs for tests: the Python reference and the `haze` binary.
enum Processes {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion and captures both streams.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
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
        // Read before waiting so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `python3 Tests/Scripts/<script> …`, decoded as JSON.
    static func python(_ script: String, _ arguments: [String]) throws -> Any {
        let result = try run("/usr/bin/env", ["python3", TestPaths.scripts + "/" + script] + arguments)
        guard result.status == 0 else {
            throw NSError(domain: "python", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Runs `haze` with arguments.
    static func haze(_ arguments: [String], environment: [String: String]? = nil) throws -> Output {
        try run(TestPaths.haze, arguments, environment: environment)
    }
}
