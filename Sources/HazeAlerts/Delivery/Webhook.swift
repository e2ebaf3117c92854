import Foundation
import HazeModel
import HazeNet

/// Delivers alert reports to a webhook as JSON (`{"source":"haze","alerts":[…]}`,
/// every report not yet delivered, earlier failures first) or as the text
/// message chat robots accept (`{"msgtype":"text","text":{"content":…}}`,
/// a digest within `limits`).
public struct Webhook: Sendable {
    /// What the webhook sends.
    public enum Format: String, Sendable, CaseIterable {
        /// `{"source":"haze","alerts":[…]}`
        case json
        /// `{"msgtype":"text","text":{"content":"…"}}`
        case text
    }

    public var id: String
    /// Where it POSTs.
    public var url: URL
    /// JSON reports or a chat robot's text message.
    public var format: Format
    /// The language of the messages.
    public var language: Language
    /// Deadlines and retries of the POST.
    public var policy: HTTPClient.Policy
    /// Reports one POST carries at most (JSON: all by default).
    var reportsPerMessage: Int
    /// For text: the text (content) limit; 2048 bytes, WeCom's for text, the smallest of the robots'.
    public var limits: MessageLimits
    /// How text messages look.
    public var style: AlertDigest.Style
    /// Quota windows, when the endpoint has one.
    public var windows: [ReceiverPacing.Window]

    /// A webhook POSTing to `url`; `id` is its outbox key (`webhook` for `--webhook`).
    public init(url: URL, format: Format = .json, language: Language = .zh,
                policy: HTTPClient.Policy = .init(deadline: 20, attemptTimeout: 8), id: String = Webhook.receiverID,
                reportsPerMessage: Int? = nil, limits: MessageLimits? = nil, style: AlertDigest.Style? = nil,
                windows: [ReceiverPacing.Window] = []) {
        self.id = id
        self.url = url
        self.format = format
        self.language = language
        self.policy = policy
        self.reportsPerMessage = max(1, reportsPerMessage ?? (format == .json ? Int.max : 100))
        self.limits = limits ?? (format == .json ? .none : MessageLimits(maxBytes: 2048, counted: .content))
        self.style = style ?? AlertDigest.Style(language: language)
        self.windows = windows
    }

    /// The request body for NDJSON report lines, all of them (JSON) or as one text.
    func body(_ lines: [String]) -> Data {
        switch format {
        case .json:
            return Data(jsonBody(lines[...]).utf8)
        case .text:
            let key = language == .zh ? "message_zh" : "message_en"
            let messages = lines.compactMap { line -> String? in
                (try? JSONValue.parse(Array(line.utf8)))?[key]?.stringValue
            }
            return Data(textBody(messages.joined(separator: "\n")).utf8)
        }
    }

    func jsonBody(_ lines: ArraySlice<String>) -> String {
        "{\"source\":\"haze\",\"alerts\":[" + lines.joined(separator: ",") + "]}"
    }

    func textBody(_ content: String) -> String {
        JSONValue.object([("msgtype", .string("text")), ("text", .object([("content", .string(content))]))]).serialized()
    }

    /// Sends the lines in one POST with the client's retries; on failure they
    /// are returned to be kept. The `Idempotency-Key` header lets a receiver
    /// drop a repeat after an ambiguous failure (the server got it, the answer was lost).
    package func deliver(_ lines: [String], log: (String) -> Void) -> Result<Void, HTTPError> {
        guard !lines.isEmpty else { return .success(()) }
        // Every message about the URL goes through the one redaction (user info, query values, path tokens).
        return HTTPClient(policy: policy).send(request(body(lines)), log: { log(Redaction.redact(text: $0)) }).map { _ in () }
    }

    func request(_ body: Data) -> HTTPRequest {
        HTTPRequest(url: url, method: "POST",
                    headers: ["Content-Type": "application/json; charset=utf-8",
                              "Idempotency-Key": StableHash.hex([UInt8](body)), "User-Agent": "haze/\(HazeVersion.current)"],
                    body: body)
    }
}
