import Foundation
import HazeModel
import HazeNet

/// A webhook as a receiver (`haze alert --webhook URL`, or `"kind": "webhook"`
/// in the routes file): JSON carries its whole outbox in one POST unless
/// `reportsPerMessage` is set; text is a digest within `limits`.
extension Webhook: AlertReceiver {
    /// The outbox key of the `--webhook` receiver (and of a format-1 state's outbox).
    public static let receiverID = "webhook"

    /// `webhook`.
    public var kind: String { "webhook" }

    /// The webhook's quota windows and its HTTP policy's attempts and deadlines.
    public var pacing: ReceiverPacing {
        ReceiverPacing(windows: windows, throttleSeconds: 60, attempts: max(1, policy.attempts), deadline: policy.deadline,
                       attemptTimeout: policy.attemptTimeout)
    }

    /// The next message: the JSON document of the reports, or a text digest within `limits`.
    public func nextMessage(_ lines: ArraySlice<String>) -> AlertMessage {
        switch format {
        case .text:
            return AlertDigest(style: style, maxReports: reportsPerMessage).message(lines) { limits.allow($0) }
        case .json:
            var count = min(reportsPerMessage, lines.count)
            // Fewer reports until the body fits (at least one goes).
            while count > 1, !limits.allow(jsonBody(lines.prefix(count))) { count = max(1, count / 2 + count / 4) }
            return AlertMessage(covered: count, shown: count, folded: 0, payload: jsonBody(lines.prefix(count)))
        }
    }

    /// POSTs the message once: a 2xx answer is a delivery unless its JSON carries a non-zero `errcode`, `code` or `StatusCode`; other answers and transport errors are a throttle or a failure.
    public func post(_ message: AlertMessage, now: Date) -> DeliveryAnswer {
        let body = Data((format == .json ? message.payload : textBody(message.payload)).utf8)
        let client = HTTPClient(policy: .init(deadline: policy.attemptTimeout, attemptTimeout: policy.attemptTimeout, attempts: 1))
        switch client.exchange(request(body)) {
        case .failure(let error):
            return ReceiverAnswer.transport(error)
        case .success(let response):
            if let answer = ReceiverAnswer.status(response, url: url, throttleSeconds: 60) { return answer }
            return Self.judge(response.body)
        }
    }

    /// An HTTP 2xx answer: accepted, unless it is JSON with a non-zero
    /// `errcode`, `code` or `StatusCode` (a robot behind a plain webhook).
    static func judge(_ body: Data) -> DeliveryAnswer {
        guard let object = ReceiverAnswer.object(body) else { return .accepted }
        for field in ["errcode", "code", "StatusCode"] {
            if let code = ReceiverAnswer.code(object, field), code != 0 {
                let text = object["errmsg"]?.stringValue ?? object["msg"]?.stringValue ?? ""
                return .failed(retryable: false, detail: "\(field) \(code): \(AlertDigest.plain(text))")
            }
        }
        return .accepted
    }
}
