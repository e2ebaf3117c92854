import Foundation

/// `Tests/Fixtures/http_server.py` on 127.0.0.1, started by a test and
/// stopped when the value goes away. Faults are switched by writing `.mode`.
final class LoopbackServer: @unchecked Sendable {
    let root: String
    let port: Int
    private let process: Process

    init(serving root: String = TestPaths.temporaryDirectory("haze-http")) throws {
        self.root = root
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.fixtures + "/http_server.py", root]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw NSError(domain: "LoopbackServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start"])
        }
        self.process = process
        self.port = port
    }

    deinit {
        // SIGKILL: a child spawned from a dispatch thread inherits its blocked
        // signal mask, so SIGTERM may never arrive.
        kill(process.processIdentifier, SIGKILL)
        _ = Processes.waitForExit(process)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func setMode(_ mode: String) throws { try mode.write(toFile: root + "/.mode", atomically: true, encoding: .utf8) }

    /// Bodies of the POSTs the server accepted (answered 200), one per line.
    var received: [String] {
        ((try? String(contentsOfFile: root + "/.received", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The headers of every request seen (names lower-cased), with its path.
    var headers: [(path: String, headers: [String: String])] {
        let text = (try? String(contentsOfFile: root + "/.headers", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let path = object["path"] as? String, let headers = object["headers"] as? [String: String] else { return nil }
            return (path, headers)
        }
    }

    /// Every request seen: `METHOD PATH MODE`.
    var requests: [String] {
        ((try? String(contentsOfFile: root + "/.requests", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
