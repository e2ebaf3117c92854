import Foundation
import Testing
@testable import HazeNet
import HazeSources

/// libcurl is opened when the network is first used (CLibcurl), so commands
/// that stay on the machine start without it. The tests' requests go through
/// the same forwarding functions as a release binary's.
@Suite("libcurl loaded on first use", .onTestThreads)
struct LibcurlLoadingTests {
    @Test("FoundationNetworking's libcurl calls land in haze's forwarding functions, and requests work through them")
    func requestsGoThroughTheForwarding() throws {
        #expect(Libcurl.failure == nil)
        // The definition the process uses for curl_easy_setopt is the one in this
        // executable, not libcurl's: FoundationNetworking's calls pass through it.
        let process = try #require(dlopen(nil, RTLD_NOW))
        let used = try #require(dlsym(process, "curl_easy_setopt"))
        let libcurl = try #require(dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD), "libcurl is loaded once a session exists")
        let libcurls = try #require(dlsym(libcurl, "curl_easy_setopt"))
        #expect(used != libcurls, "the process resolves curl_easy_setopt to libcurl's own definition")

        let root = TestPaths.temporaryDirectory("haze-libcurl")
        try Data("hello, haze\n".utf8).write(to: URL(fileURLWithPath: root + "/hello.txt"))
        let server = try LoopbackServer(serving: root)
        let client = HTTPClient(policy: HTTPClient.Policy(deadline: 10, attemptTimeout: 5, attempts: 1))
        // A GET (options of every kind: long, string, callback, off_t) and a POST with a body.
        let get = client.send(HTTPRequest(url: try #require(URL(string: server.base + "/hello.txt"))))
        guard case .success(let response) = get else { Issue.record("GET failed: \(get)"); return }
        #expect(response.status == 200 && String(decoding: response.body, as: UTF8.self) == "hello, haze\n")
        let post = client.send(HTTPRequest(url: try #require(URL(string: server.base + "/in")), method: "POST",
                                           headers: ["Content-Type": "application/json"], body: Data("{\"x\":1}".utf8)))
        guard case .success(let posted) = post else { Issue.record("POST failed: \(post)"); return }
        #expect(posted.status == 200)
        #expect(server.received == ["{\"x\":1}"])
    }

    @Test("a missing library, or one that is not libcurl, is refused with the reason and what to install")
    func refusalsSayWhy() {
        let absent = Libcurl.problem(with: "libhaze-absent.so.9")
        #expect(absent?.contains("libhaze-absent.so.9") == true, "\(absent ?? "nil")")
        #expect(absent?.contains("apt install libcurl4") == true)
        let zlib = Libcurl.problem(with: "libz.so.1")
        #expect(zlib?.contains("has no curl_global_init") == true, "\(zlib ?? "nil")")
        #expect(zlib?.contains("the libz.so.1 found") == true)
        #expect(Libcurl.problem(with: "libcurl.so.4") == nil)
    }

    @Test("without libcurl, a pull stops before any source with one message (exit 69), and nothing is counted as fetched")
    func pullWithoutLibcurl() {
        let error = PullError.networkUnavailable("libcurl could not be loaded (gone)")
        #expect(error.description == "nothing pulled: libcurl could not be loaded (gone)")
    }

    @Test("a client on a machine without libcurl fails each request with that reason, and does not retry it")
    func unavailableIsNotRetried() {
        let error = HTTPError.unavailable(url: "http://example.org/x", reason: "libcurl could not be loaded (gone)")
        #expect(!error.isRetryable)
        #expect(error.description == "http://example.org/x: libcurl could not be loaded (gone)")
    }
}
