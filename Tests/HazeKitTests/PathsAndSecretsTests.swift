import Foundation
import Testing
import Synchronization
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

/// Configuration values never leave the store as paths; credentials never go
/// to another host, never reach a terminal or a log, and come only from the
/// environment variables a configuration names. (Issue 11, group 4.)
@Suite("Paths and secrets", .onTestThreads, .serialized)
struct PathsAndSecretsTests {
    static func config(_ json: String) throws -> String {
        let path = TestPaths.temporaryDirectory("haze-secrets-config") + "/haze.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A loopback server holding day 2019-01-10.
    static func server() throws -> LoopbackServer {
        let root = TestPaths.temporaryDirectory("haze-secrets-serve")
        let file = try #require(TestPaths.cnemcFiles.first { $0.contains("20190110") })
        try FileManager.default.copyItem(atPath: file, toPath: root + "/day.csv" + (file.hasSuffix(".gz") ? ".gz" : ""))
        return try LoopbackServer(serving: root)
    }

    static func suffix() -> String { TestPaths.cnemcFiles.first?.hasSuffix(".gz") == true ? ".csv.gz" : ".csv" }

    @Test("a source id '../../escaped' is refused naming file, source and field; nothing is written outside the store")
    func sourceIdEscaping() throws {
        let server = try Self.server()
        let outer = TestPaths.temporaryDirectory("haze-secrets-outer")
        let store = outer + "/a/store"
        let config = try Self.config("""
        {"sources":[{"id":"../../escaped","url":"\(server.base)/day\(Self.suffix())","format":"cnemc-wide","start":"2019-01-10"}]}
        """)
        let run = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-10"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("haze.json: source #1: field 'id': '../../escaped'") && run.stderr.contains("plain name"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: outer + "/a/escaped.json") && !FileManager.default.fileExists(atPath: outer + "/escaped.json"))
        #expect(!FileManager.default.fileExists(atPath: store), "a refused configuration changes nothing")
        #expect(server.requests.isEmpty)
    }

    @Test("ids and sensor keys must be plain names", arguments: [
        (#"{"id":"a/b""#, "field 'id'"), (#"{"id":".hidden""#, "starts with a dot"), (#"{"id":"x..y""#, "contains '..'"),
        (#"{"id":"a\u0000b""#, "NUL"), (#"{"id":"tab\tid""#, "control character"), (#"{"id":"a b""#, "field 'id'"),
    ])
    func plainNames(prefix: String, expected: String) throws {
        let config = try Self.config(#"{"sources":["# + prefix + #","url":"http://127.0.0.1:1/x","format":"cnemc-wide"}]}"#)
        let run = InProcess(["pull", "--config", config, "--store", TestPaths.temporaryDirectory("haze-secrets-plain")])
        #expect(run.status == 65 && run.stderr.contains(expected), "\(run.stderr)")
    }

    @Test("an OpenAQ sensor key with '../' is refused")
    func sensorKeyEscaping() throws {
        let config = try Self.config("""
        {"sources":[{"id":"openaq","url":"http://127.0.0.1:1/v3/sensors/{sensor}/hours?page={page}","format":"openaq-v3",
          "start":"2023-10-16","sensors":{"../../x":"OAQ-1"}}]}
        """)
        let store = TestPaths.temporaryDirectory("haze-secrets-sensor")
        let run = InProcess(["pull", "--config", config, "--store", store])
        #expect(run.status == 65 && run.stderr.contains("field 'sensors': sensor key '../../x'"), "\(run.stderr)")
    }

    @Test("every path built from a value is confined to its directory")
    func confinedPaths() throws {
        #expect(try ConfinedPath.join("/s", "pull", "cnemc.json") == "/s/pull/cnemc.json")
        for bad in ["..", "../x", "a/b", ".hidden", "", "a\u{0}b", "a\u{1B}b", String(repeating: "x", count: 256)] {
            #expect(throws: ConfinedPath.Refusal.self) { try ConfinedPath.join("/s", "pull", bad) }
        }
        #expect(PlainName.problem("openaq-zhoukou") == nil && PlainName.problem("北京.cnemc_2") == nil)
        #expect(PlainName.escaping("a.b/..") == "a%2Eb%2F%2E%2E" && PlainName.escaping("a%2Eb") == "a%252Eb")
    }

    @Test("a redirect to another host (or port) gets no X-API-Key or Authorization; one to the same host keeps them")
    func redirectDropsCredentials() throws {
        let other = try Self.server()           // B: serves the file, records what it receives
        let first = try Self.server()           // A: redirects to B
        try other.base.write(toFile: first.root + "/.redirect_target", atomically: true, encoding: .utf8)
        try first.setMode("redirect-away")
        let config = try Self.config("""
        {"sources":[{"id":"cnemc","url":"\(first.base)/day\(Self.suffix())","format":"cnemc-wide","start":"2019-01-10",
          "headers":{"X-API-Key":"${HAZE_TEST_KEY}","Authorization":"Bearer ${HAZE_TEST_KEY}"},"environment":["HAZE_TEST_KEY"]}]}
        """)
        let store = TestPaths.temporaryDirectory("haze-secrets-redirect")
        let run = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-10"],
                            environment: ["HAZE_TEST_KEY": "s3cret-key"])
        #expect(run.status == 0 && run.stdout.contains("1 fetched, 1 complete"), "\(run.stdout) \(run.stderr)")
        let atA = try #require(first.headers.first)
        #expect(atA.headers["x-api-key"] == "s3cret-key" && atA.headers["authorization"] == "Bearer s3cret-key")
        let atB = try #require(other.headers.first)
        #expect(atB.headers["x-api-key"] == nil && atB.headers["authorization"] == nil, "\(atB.headers)")
        #expect(atB.headers["user-agent"]?.hasPrefix("haze/") == true)
        // The same origin: the credentials follow.
        try first.setMode("redirect")
        try FileManager.default.removeItem(atPath: store + "/pull/cnemc.json")
        _ = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-10"],
                      environment: ["HAZE_TEST_KEY": "s3cret-key"])
        let redirected = try #require(first.headers.last)
        #expect(redirected.path.contains("redirected=1") && redirected.headers["x-api-key"] == "s3cret-key")
        #expect(!HTTPClient.sameOrigin(URL(string: "https://a.example/x")!, URL(string: "http://a.example/x")!))
        #expect(!HTTPClient.sameOrigin(URL(string: "https://a.example/x")!, URL(string: "https://a.example:8443/x")!))
        #expect(HTTPClient.sameOrigin(URL(string: "https://A.example/x")!, URL(string: "https://a.example:443/y")!))
    }

    @Test("redaction hides user info, query values, fragments and webhook path tokens", arguments: [
        ("https://user:pass@open.feishu.cn/open-apis/bot/v2/hook/0f3c9a7e-1b2d-4c5e-8f90-123456789abc", "https://***@open.feishu.cn/open-apis/bot/v2/hook/***"),
        ("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "https://hooks.slack.com/services/***/***/***"),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"),
        ("https://oapi.dingtalk.com/robot/send?access_token=abc&x", "https://oapi.dingtalk.com/robot/send?access_token=***&***"),
        ("https://discord.com/api/webhooks/123456/tokenTOKEN", "https://discord.com/api/webhooks/***/***"),
        ("https://alice@example.org/data/china_sites_20190101.csv#k=v", "https://***@example.org/data/china_sites_20190101.csv#***"),
        ("http://example.org/a/ghp_16C7e42F292c6912E7710c838347Ae178B4a/b", "http://example.org/a/***/b"),
        ("https://api.openaq.org/v3/sensors/12345/hours?page=2", "https://api.openaq.org/v3/sensors/12345/hours?page=***"),
    ])
    func redaction(url: String, expected: String) {
        #expect(Redaction.redact(url: url) == expected)
        #expect(Redaction.redact(text: "failed: \(url) (HTTP 500)") == "failed: \(expected) (HTTP 500)")
        #expect(Redaction.redact(text: "'\(url) with space'").contains(expected))
        #expect(Redaction.redact(text: "\(url): HTTP 500, (\(url)).") == "\(expected): HTTP 500, (\(expected)).")
    }

    @Test("pull messages never show the URL's credentials")
    func pullMessagesAreRedacted() throws {
        let server = try Self.server()
        try server.setMode("fail500")
        let base = server.base.replacingOccurrences(of: "http://", with: "http://bob:hunter2@")
        let config = try Self.config("""
        {"sources":[{"id":"cnemc","url":"\(base)/hook/SECRETTOKEN/day_{yyyyMMdd}.csv?key=KEYVALUE","format":"cnemc-wide",
          "start":"2019-01-10","deadline_seconds":2}]}
        """)
        let run = InProcess(["pull", "--config", config, "--store", TestPaths.temporaryDirectory("haze-secrets-msg"),
                             "--stations", TestPaths.stations, "--until", "2019-01-10"])
        #expect(run.status == 75)
        let all = run.stdout + run.stderr
        #expect(all.contains("HTTP 500") && all.contains("/hook/***"), "\(all)")
        for secret in ["hunter2", "bob", "SECRETTOKEN", "KEYVALUE"] { #expect(!all.contains(secret), Comment(rawValue: secret + " in: " + all)) }
    }

    @Test("the alert webhook's messages go through the same redaction")
    func webhookMessagesAreRedacted() throws {
        let server = try Self.server()
        try server.setMode("fail500")
        let url = try #require(URL(string: server.base.replacingOccurrences(of: "http://", with: "http://robot:pa55@") + "/open-apis/bot/v2/hook/ab12cd34ef56ab12cd34ef56?key=K3Y"))
        let webhook = Webhook(url: url, policy: HTTPClient.Policy(deadline: 2, attemptTimeout: 1, attempts: 2, backoff: 0.1))
        let messages = Mutex<[String]>([])
        let result = webhook.deliver(["{\"x\":1}"], log: { line in messages.withLock { $0.append(line) } })
        guard case .failure(let error) = result else { Issue.record("a 500 must fail"); return }
        let all = messages.withLock { $0 }.joined(separator: "\n") + "\n" + error.description
        #expect(all.contains("HTTP 500"), "\(all)")
        for secret in ["robot", "pa55", "ab12cd34ef56ab12cd34ef56", "K3Y"] { #expect(!all.contains(secret), Comment(rawValue: secret + " in: " + all)) }
    }

    @Test("${VAR} reads only the variables the source lists; an unclosed ${ is a configuration error")
    func environmentVariables() throws {
        func load(_ headers: String, environment: String = "") throws -> Result<PullConfiguration, PullError> {
            let config = try Self.config("""
            {"sources":[{"id":"s","url":"http://127.0.0.1:1/x","format":"cnemc-wide","headers":{\(headers)}\(environment)}]}
            """)
            do { return .success(try PullConfiguration.load(path: config)) } catch { return .failure(error) }
        }
        guard case .failure(let home) = try load(#""X-Leak":"${HOME}""#) else { Issue.record("${HOME} unlisted must be refused"); return }
        #expect(home.description.contains("field 'headers.X-Leak': uses ${HOME}, which the source does not list in \"environment\""))
        guard case .failure(let unclosed) = try load(#""X-API-Key":"${OPENAQ_API_KEY""#, environment: #","environment":["OPENAQ_API_KEY"]"#) else {
            Issue.record("an unclosed ${ must be refused"); return
        }
        #expect(unclosed.description.contains("field 'headers.X-API-Key': '${' is not closed"))
        guard case .failure(let badName) = try load(#""X":"${A-B}""#) else { Issue.record("a bad name must be refused"); return }
        #expect(badName.description.contains("is not a variable name"))
        guard case .success(let listed) = try load(#""X-API-Key":"k=${OPENAQ_API_KEY}; $${literal}""#, environment: #","environment":["OPENAQ_API_KEY"]"#) else {
            Issue.record("a listed variable is fine"); return
        }
        let template = try EnvironmentTemplate.parse(try #require(listed.sources[0].headers["X-API-Key"])).get()
        #expect(try template.expand(["OPENAQ_API_KEY": "abc", "HOME": "/root"]).get() == "k=abc; ${literal}")
        #expect(throws: EnvironmentTemplate.ExpansionProblem.unsafe("OPENAQ_API_KEY")) {
            try template.expand(["OPENAQ_API_KEY": "abc\r\nX-Evil: 1"]).get()
        }
        guard case .failure(let header) = try load(#""Bad Header":"x""#) else { Issue.record("a bad header name must be refused"); return }
        #expect(header.description.contains("is not an HTTP header name"))
    }
}
