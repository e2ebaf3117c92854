import Foundation
import HazeModel
import HazeNet

/// Delivers alert reports to a webhook: one POST per run carrying every
/// report not yet delivered (earlier failures first), as JSON or as the text
/// message chat robots (WeCom, DingTalk, Feishu-style) accept.
public struct Webhook: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// `{"source":"haze","alerts":[…]}`
        case json
        /// `{"msgtype":"text","text":{"content":"…"}}`
        case text
    }

    public var url: URL
    public var format: Format
    public var language: Language
    public var policy: HTTPClient.Policy

    public init(url: URL, format: Format = .json, language: Language = .zh, policy: HTTPClient.Policy = .init(deadline: 20, attemptTimeout: 8)) {
        self.url = url
        self.format = format
        self.language = language
        self.policy = policy
    }

    /// The request body for NDJSON report lines.
    func body(_ lines: [String]) -> Data {
        switch format {
        case .json:
            return Data(("{\"source\":\"haze\",\"alerts\":[" + lines.joined(separator: ",") + "]}").utf8)
        case .text:
            let key = language == .zh ? "message_zh" : "message_en"
            let messages = lines.compactMap { line -> String? in
                (try? JSONValue.parse(Array(line.utf8)))?[key]?.stringValue
            }
            let content = JSONValue.object([("msgtype", .string("text")),
                                            ("text", .object([("content", .string(messages.joined(separator: "\n")))]))])
            return Data(content.serialized().utf8)
        }
    }

    /// Sends the lines; on failure they are returned to be kept for the next run.
    /// The `Idempotency-Key` header lets a receiver drop a repeat after an
    /// ambiguous failure (the server got it, the answer was lost).
    package func deliver(_ lines: [String], log: (String) -> Void) -> Result<Void, HTTPError> {
        guard !lines.isEmpty else { return .success(()) }
        let key = StableHash.hex(Array(lines.joined(separator: "\n").utf8))
        let request = HTTPRequest(url: url, method: "POST",
                                  headers: ["Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key,
                                            "User-Agent": "haze/\(HazeVersion.current)"],
                                  body: body(lines))
        // Every message about the URL goes through the one redaction (user info, query values, path tokens).
        return HTTPClient(policy: policy).send(request, log: { log(Redaction.redact(text: $0)) }).map { _ in () }
    }
}
