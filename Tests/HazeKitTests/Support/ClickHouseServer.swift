import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A ClickHouse server of the tests' own: Debian's `clickhouse-server` on
/// 127.0.0.1, on free ports, with its configuration, data and logs in a
/// temporary directory — never the system service. `.ci/run` installs the
/// package and sets `HAZE_REQUIRE_CLICKHOUSE=1`, which turns "not installed"
/// from a skip into a failure.
final class ClickHouseServer: @unchecked Sendable {
    let directory: String
    let httpPort: Int
    let tcpPort: Int
    private var process: Process?
    /// The password of the user `haze` (the default user has none).
    static let password = "haze-test-secret"

    var url: String { "http://127.0.0.1:\(httpPort)" }

    /// The installed server binary, if any.
    static let executable: String? = ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// CI sets HAZE_REQUIRE_CLICKHOUSE=1: a missing server fails instead of skipping.
    static var required: Bool { ProcessInfo.processInfo.environment["HAZE_REQUIRE_CLICKHOUSE"] == "1" }

    static let missing: Comment = "clickhouse-server is not installed (apt-get install clickhouse-server; .ci/run does): the ClickHouse tests are skipped"

    private init(directory: String, httpPort: Int, tcpPort: Int) {
        self.directory = directory
        self.httpPort = httpPort
        self.tcpPort = tcpPort
    }

    /// Starts a server and waits until it answers (blocking: call off the pool).
    static func start() throws -> ClickHouseServer {
        guard executable != nil else { throw Failure(description: "clickhouse-server is not installed") }
        let directory = TestPaths.temporaryDirectory("clickhouse")
        let server = ClickHouseServer(directory: directory, httpPort: try freePort(), tcpPort: try freePort())
        try server.writeConfiguration()
        try server.launch()
        return server
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    private func writeConfiguration() throws {
        let config = """
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>\(directory)/server.log</log><errorlog>\(directory)/error.log</errorlog><console>0</console></logger>
              <listen_host>127.0.0.1</listen_host>
              <http_port>\(httpPort)</http_port>
              <tcp_port>\(tcpPort)</tcp_port>
              <path>\(directory)/data/</path>
              <tmp_path>\(directory)/tmp/</tmp_path>
              <user_files_path>\(directory)/user_files/</user_files_path>
              <format_schema_path>\(directory)/format_schemas/</format_schema_path>
              <users_config>\(directory)/users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>UTC</timezone>
              <mark_cache_size>53687091</mark_cache_size>
              <uncompressed_cache_size>53687091</uncompressed_cache_size>
            </yandex>
            """
        let users = """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
              <users>
                <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
                <haze><password>\(Self.password)</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></haze>
              </users>
              <quotas><default></default></quotas>
            </yandex>
            """
        try config.write(toFile: directory + "/config.xml", atomically: true, encoding: .utf8)
        try users.write(toFile: directory + "/users.xml", atomically: true, encoding: .utf8)
    }

    /// Starts the process (again, after `stop`, on the same data and ports) and waits for `/ping`.
    func launch() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable ?? "/usr/sbin/clickhouse-server")
        process.arguments = ["--config-file=\(directory)/config.xml"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        _ = FileManager.default.createFile(atPath: directory + "/stdout.log", contents: nil)
        let log = FileHandle(forWritingAtPath: directory + "/stdout.log")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        RunRootCleanup.killAtExit(process.processIdentifier)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning {
                let text = (try? String(contentsOfFile: directory + "/stdout.log", encoding: .utf8)) ?? ""
                let errors = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
                throw Failure(description: "clickhouse-server exited with \(process.terminationStatus): \(text.suffix(800)) \(errors.suffix(800))")
            }
            if (try? query("SELECT 1")) == "1\n" { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        stop()
        throw Failure(description: "clickhouse-server did not answer on \(url) within 60 s")
    }

    /// Stops the server (SIGTERM, then SIGKILL after 30 s) and waits for it to exit.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); _ = Processes.waitForExit(process) }
        RunRootCleanup.forget(process.processIdentifier)
        self.process = nil
    }

    deinit { stop() }

    /// A statement's answer as text (blocking), through plain URLSession — not haze's client.
    func query(_ sql: String) throws -> String {
        var request = URLRequest(url: URL(string: url + "/")!)
        request.httpMethod = "POST"
        request.httpBody = Data(sql.utf8)
        request.timeoutInterval = 60
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        URLSession.shared.dataTask(with: request) { data, response, error in
            answer = (data, response, error)
            done.signal()
        }.resume()
        done.wait()
        if let error = answer.2 { throw error }
        let text = String(decoding: answer.0 ?? Data(), as: UTF8.self)
        guard (answer.1 as? HTTPURLResponse)?.statusCode == 200 else { throw Failure(description: text) }
        return text
    }

    /// A port nothing listens on now (bound to 0, read, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "bind: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "getsockname: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
