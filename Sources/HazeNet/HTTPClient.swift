import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HazeModel

/// One HTTP request.
public struct HTTPRequest: Sendable {
    /// Where the request goes (http or https).
    public var url: URL
    package var method: String
    /// Request headers (they may carry API keys; a redirect to another origin drops all but the user agent).
    public var headers: [String: String]
    /// The request body; nil for none.
    public var body: Data?

    /// A request of `method` (GET by default) to `url`.
    public init(url: URL, method: String = "GET", headers: [String: String] = [:], body: Data? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// A complete response: the whole body was received.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers; names as the server sent them.
    public var headers: [String: String]
    /// The whole body.
    public var body: Data
}

/// Why a request failed after its retries.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The total deadline passed (a stalled server, a trickling body).
    case deadline(url: String, seconds: Double)
    case connection(url: String, reason: String)
    case status(url: String, code: Int)
    /// The body ended before its Content-Length.
    case truncated(url: String, expected: Int, received: Int)
    case redirect(url: String, location: String)
    /// The machine cannot make requests at all (libcurl is missing).
    case unavailable(url: String, reason: String)

    public var description: String {
        switch self {
        case .deadline(let url, let seconds): return "\(url): no complete response within \(GBT8170.format(seconds, decimals: 1)) s"
        case .connection(let url, let reason): return "\(url): \(reason)"
        case .status(let url, let code): return "\(url): HTTP \(code)"
        case .truncated(let url, let expected, let received):
            return "\(url): body ended after \(received) of \(expected) bytes"
        case .redirect(let url, let location): return "\(url): redirected to \(location)"
        case .unavailable(let url, let reason): return "\(url): \(reason)"
        }
    }

    /// Timeouts, resets, truncation and 5xx may pass; 4xx will not.
    package var isRetryable: Bool {
        switch self {
        case .deadline, .connection, .truncated: return true
        case .status(_, let code): return code >= 500 || code == 429 || code == 408
        case .redirect, .unavailable: return false
        }
    }
}

/// A small HTTP client over FoundationNetworking's URLSession (libcurl on Linux),
/// written around the traps of that URLSession:
///
/// - its timeouts are idle timeouts, so a server trickling a byte a minute
///   never times out: every attempt here also has a hard wall-clock deadline,
///   after which the task is cancelled;
/// - redirects of a POST turn it into a GET, and redirects under the per-host
///   connection limit have crashed it: redirects are never followed
///   automatically; GETs follow them here, by hand, a few times, only to
///   http(s), and a redirect to another origin (scheme, host or port) carries
///   no header but the user agent (an API key never goes to another host);
/// - a short body is not an error to URLSession: the Content-Length is checked
///   (for unencoded bodies: libcurl decodes `Content-Encoding: gzip` itself,
///   and the header then counts the encoded bytes);
/// - retries (timeouts, resets, 5xx; never other 4xx) back off exponentially
///   with jitter, all within one total deadline.
///
/// Proxies come from `http_proxy`, `https_proxy` and `no_proxy`, which libcurl honours.
public final class HTTPClient: Sendable {
    /// How long and how often to try.
    public struct Policy: Sendable {
        /// Everything, retries included, ends within this many seconds.
        public var deadline: Double
        /// One attempt ends within this many seconds.
        public var attemptTimeout: Double
        /// Attempts at most, the first included (retries are for timeouts, resets, 408, 429 and 5xx; never other 4xx).
        public var attempts: Int
        /// First backoff in seconds; doubles each retry, with ±50 % jitter.
        public var backoff: Double
        var maximumRedirects: Int

        /// A policy; times are in seconds.
        public init(deadline: Double = 30, attemptTimeout: Double = 15, attempts: Int = 4, backoff: Double = 0.5,
                    maximumRedirects: Int = 3) {
            self.deadline = deadline
            self.attemptTimeout = attemptTimeout
            self.attempts = attempts
            self.backoff = backoff
            self.maximumRedirects = maximumRedirects
        }
    }

    /// The deadlines and retries every request of this client follows.
    public let policy: Policy
    /// Nil when libcurl could not be loaded: every request then fails with the reason.
    private let session: URLSession?
    private let delegate = NoRedirects()

    /// A client following `policy`.
    public init(policy: Policy = Policy()) {
        self.policy = policy
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.attemptTimeout
        configuration.timeoutIntervalForResource = policy.deadline
        configuration.httpMaximumConnectionsPerHost = 4
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        // URLSession starts libcurl as it is made: only when libcurl is there.
        self.session = Libcurl.failure == nil
            ? URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil) : nil
    }

    deinit { session?.finishTasksAndInvalidate() }

    /// Sends with retries; `log` hears about each failed attempt (URL redacted).
    public func send(_ request: HTTPRequest, log: (String) -> Void = { _ in }) -> Result<HTTPResponse, HTTPError> {
        let start = Date()
        var current = request
        var redirects = 0
        var attempt = 0
        var lastError = HTTPError.deadline(url: Redaction.redact(request.url), seconds: policy.deadline)
        while attempt < policy.attempts {
            let remaining = policy.deadline - Date().timeIntervalSince(start)
            guard remaining > 0.05 else { break }
            attempt += 1
            switch once(current, timeout: min(policy.attemptTimeout, remaining)) {
            case .success(let response):
                if (300...399).contains(response.status), let location = response.headers["location"] {
                    let target = Redaction.redact(URL(string: location, relativeTo: current.url)?.absoluteURL ?? current.url)
                    guard current.method == "GET", redirects < policy.maximumRedirects,
                          let next = URL(string: location, relativeTo: current.url)?.absoluteURL,
                          ["http", "https"].contains(next.scheme?.lowercased() ?? "") else {
                        return .failure(.redirect(url: Redaction.redact(current.url), location: target))
                    }
                    redirects += 1
                    attempt -= 1
                    if !Self.sameOrigin(current.url, next) {
                        // Credentials configured for one host never go to another
                        // (X-API-Key, Authorization, cookies …): only the user agent follows.
                        current.headers = current.headers.filter { $0.key.lowercased() == "user-agent" }
                    }
                    current.url = next
                    continue
                }
                if (200...299).contains(response.status) { return .success(response) }
                lastError = .status(url: Redaction.redact(current.url), code: response.status)
            case .failure(let error):
                lastError = error
            }
            guard lastError.isRetryable, attempt < policy.attempts else { break }
            log("attempt \(attempt) failed: \(lastError)")
            let pause = policy.backoff * pow(2, Double(attempt - 1)) * Double.random(in: 0.5...1.5)
            let left = policy.deadline - Date().timeIntervalSince(start)
            guard left > pause + 0.05 else { break }
            Thread.sleep(forTimeInterval: pause)
        }
        return .failure(lastError)
    }

    /// One attempt, without retries and without following a redirect: the
    /// complete answer whatever its status, or why none came. For callers
    /// that judge answers themselves — a chat robot answers HTTP 200 with an
    /// error code in its body, a 429 carries `Retry-After`, and every attempt
    /// counts against a robot's quota, so retries are the caller's to pace.
    /// Bounded by the policy's attempt timeout (and deadline).
    package func exchange(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPError> {
        once(request, timeout: max(0.05, min(policy.attemptTimeout, policy.deadline)))
    }

    /// One attempt, bounded by a hard wall-clock timeout.
    private func once(_ request: HTTPRequest, timeout: Double) -> Result<HTTPResponse, HTTPError> {
        guard let session else {
            return .failure(.unavailable(url: Redaction.redact(request.url), reason: Libcurl.failure ?? "libcurl could not be loaded"))
        }
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        urlRequest.timeoutInterval = timeout
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let outcome = Outcome()
        let task = session.dataTask(with: urlRequest) { data, response, error in
            outcome.finish(data: data, response: response, error: error)
        }
        task.resume()
        guard outcome.wait(seconds: timeout) else {
            task.cancel()
            return .failure(.deadline(url: Redaction.redact(request.url), seconds: timeout))
        }
        let url = Redaction.redact(request.url)
        let (data, response, error) = outcome.result
        if let challenge = delegate.challengeResponse(of: task) {
            // An authentication challenge (401): an answer, not a lost connection.
            var headers: [String: String] = [:]
            for (key, value) in challenge.allHeaderFields {
                if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
            }
            return .success(HTTPResponse(status: challenge.statusCode, headers: headers, body: Data()))
        }
        if let error {
            let nsError = error as NSError
            // libcurl's own timeout (the request's timeoutInterval, the same
            // number as the wall-clock bound above) may fire first: the same
            // outcome, no complete answer in time, so the same error.
            if nsError.domain == NSURLErrorDomain, nsError.code == NSURLErrorTimedOut {
                return .failure(.deadline(url: url, seconds: timeout))
            }
            return .failure(.connection(url: url, reason: Self.reason(nsError)))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(.connection(url: url, reason: "no HTTP response"))
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        let body = data ?? Data()
        // libcurl decodes a Content-Encoding (gzip, deflate, br) transparently and
        // checks the encoded length itself; Content-Length then counts encoded
        // bytes, not the decoded body, so it is compared only for unencoded bodies.
        let encoded = headers["content-encoding"].map { !$0.isEmpty && $0.lowercased() != "identity" } ?? false
        if !encoded, let lengthText = headers["content-length"], let expected = Int(lengthText), body.count < expected,
           request.method != "HEAD" {
            return .failure(.truncated(url: url, expected: expected, received: body.count))
        }
        return .success(HTTPResponse(status: http.statusCode, headers: headers, body: body))
    }
}

extension HTTPClient {
    /// Why a request failed, in words: FoundationNetworking on Linux often
    /// describes its errors only as "(NSURLErrorDomain error -1004.)".
    static func reason(_ error: NSError) -> String {
        let described = error.localizedDescription
        guard error.domain == NSURLErrorDomain, described.contains("could not be completed") else { return described }
        let name: String
        switch error.code {
        case NSURLErrorCannotConnectToHost: name = "could not connect to the host"
        case NSURLErrorCannotFindHost: name = "host not found"
        case NSURLErrorNetworkConnectionLost: name = "the connection was lost"
        case NSURLErrorNotConnectedToInternet: name = "no network"
        case NSURLErrorBadServerResponse: name = "the server's answer could not be read"
        case NSURLErrorSecureConnectionFailed: name = "the TLS connection failed"
        case NSURLErrorUnsupportedURL: name = "unsupported URL"
        default: return described
        }
        return "\(name) (NSURLErrorDomain \(error.code))"
    }

    /// Same scheme, host and port (default ports filled in): a redirect
    /// elsewhere is another party.
    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func origin(_ url: URL) -> (String, String, Int) {
            let scheme = (url.scheme ?? "").lowercased()
            let port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
            return (scheme, (url.host ?? "").lowercased(), port)
        }
        return origin(a) == origin(b)
    }
}

/// A request's completion, waited for with a hard timeout.
private final class Outcome: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let stored = Mutex<(Data?, URLResponse?, Error?)>((nil, nil, nil))

    func finish(data: Data?, response: URLResponse?, error: Error?) {
        stored.withLock { $0 = (data, response, error) }
        semaphore.signal()
    }

    func wait(seconds: Double) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }

    var result: (Data?, URLResponse?, Error?) { stored.withLock { $0 } }
}

/// Refuses every redirect so the client sees the 3xx and decides itself.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    /// A 401 with `WWW-Authenticate` (a wrong password): left to the default
    /// handling, FoundationNetworking on Linux never completes the task (it
    /// looks for a proposed credential, finds none and does nothing), so a
    /// request would hang until its deadline. The task is cancelled instead
    /// and its status kept, so the caller gets the 401 at once (without the
    /// body, which URLSession drops on cancelling). Credentials go in the
    /// request's own headers, never from a credential store.
    func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        if let response = challenge.failureResponse as? HTTPURLResponse {
            challenged.withLock { $0[task.taskIdentifier] = response }
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    private let challenged = Mutex<[Int: HTTPURLResponse]>([:])

    /// The response that challenged a task, if one did (and forgets it).
    func challengeResponse(of task: URLSessionTask) -> HTTPURLResponse? {
        challenged.withLock { $0.removeValue(forKey: task.taskIdentifier) }
    }
}
